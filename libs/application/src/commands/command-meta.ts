/** What a command request brings besides its body: who, why, and under which conditions. */
export interface CommandMeta {
  readonly actor: string;
  readonly correlationId: string;
  /** Identifies this command; the events it writes carry it as their causation id. */
  readonly commandId: string;
  /** From If-Match: write only if the aggregate is still at this revision. */
  readonly expectedRevision?: number;
  /** From Idempotency-Key: a retry of the same request returns the first answer. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/** The answer to every successful command. */
export interface CommandResult {
  readonly id: string;
  readonly revision: number;
  /** Global log position of the last event written, as a string (it may exceed 2^53 on EventStoreDB). */
  readonly position: string;
}
