/** If-Match named a revision the aggregate is no longer (or not yet) at. */
export class RevisionMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`If-Match expected revision ${expected} but the aggregate is at revision ${actual}; read it again`);
    this.name = 'RevisionMismatchError';
  }
}

/** An Idempotency-Key was first used with another request. */
export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('this Idempotency-Key was first used with another request; use a new key for a new request');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The aggregate kept changing under a command that was decided again and again. */
export class ContentionError extends Error {
  constructor(
    readonly aggregateId: string,
    readonly attempts: number,
  ) {
    super(`${aggregateId} kept changing under this command (${attempts} attempts); retry it`);
    this.name = 'ContentionError';
  }
}
