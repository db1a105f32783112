/**
 * How a refusal should be understood by a caller:
 * - `not_found`: the aggregate the command addresses does not exist;
 * - `conflict`: a rule forbids the command in the aggregate's current state;
 * - `invalid`: a value in the command breaks an invariant (a bad amount, an unknown stage...).
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    /** The command field at fault, for `invalid` errors. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string) => new DomainError(code, 'not_found', message);
export const conflict = (code: string, message: string) => new DomainError(code, 'conflict', message);
export const invalid = (code: string, field: string, message: string) =>
  new DomainError(code, 'invalid', message, field);
