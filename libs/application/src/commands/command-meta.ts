/** What a command request brings besides its body: who, why, and under which conditions. */
export interface CommandMeta {
  /**
   * Who acts: the name of the API key the request authenticated with, or the service's own principals
   * (`automation` for the lead-to-deal automation, `system` for what the start-up records).
   */
  readonly actor: string;
  /** The id of the API key the request authenticated with; absent for the service's own principals. */
  readonly actorKeyId?: string;
  /** The person a service key with actOnBehalf acts for (X-On-Behalf-Of), recorded beside the key. */
  readonly onBehalfOf?: string;
  readonly correlationId: string;
  /** Identifies this command; the events it writes carry it as their causation id. */
  readonly commandId: string;
  /** From If-Match: write only if the aggregate is still at this revision. */
  readonly expectedRevision?: number;
  /** From Idempotency-Key: a retry of the same request returns the first answer. */
  readonly idempotency?: {
    /** The key as scoped to the API key that sent it (`<keyId>/<key>`). */
    readonly key: string;
    readonly fingerprint: string;
    /**
     * The key as sent, for requests made before keys were scoped (their events carry no actorKeyId): a retry
     * of such a request after the upgrade still gets its first answer.
     */
    readonly unscoped?: string;
  };
}

/** The answer to every successful command. */
export interface CommandResult {
  readonly id: string;
  readonly revision: number;
  /** Global log position of the last event written, as a string (it may exceed 2^53 on EventStoreDB). */
  readonly position: string;
}
