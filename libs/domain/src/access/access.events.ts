import type { DomainEvent } from '../shared/message';

/**
 * What a key may do. `admin`: everything, keys and configuration; `sales`: lead and deal commands and their
 * reads; `analyst`: analytics and lists; `auditor`: histories, as-of reads, the audit and the event stream,
 * read-only; `service`: the event stream and reads, commands only when issued with `commands`.
 */
export const ROLES = ['admin', 'sales', 'analyst', 'auditor', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** The grants a key is issued with: its roles and what a `service` key may do beyond them. */
export interface KeyGrants {
  readonly roles: readonly Role[];
  /** A service key may send lead and deal commands. */
  readonly commands: boolean;
  /** A service key may name the person it acts for in X-On-Behalf-Of. */
  readonly actOnBehalf: boolean;
  /** A service key sees the personal fields of leads in clear. */
  readonly personalData: boolean;
}

/** A key was issued. Never its secret, nor anything derived from it: only who may use it for what. */
export interface ApiKeyIssuedData extends KeyGrants {
  readonly keyId: string;
  readonly name: string;
  readonly issuedAt: string;
}

/** A key was revoked: from now on it authenticates nothing. */
export interface ApiKeyRevokedData {
  readonly keyId: string;
  readonly revokedAt: string;
}

export type ApiKeyIssued = DomainEvent<'ApiKeyIssued', ApiKeyIssuedData>;
export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', ApiKeyRevokedData>;
export type AccessEvent = ApiKeyIssued | ApiKeyRevoked;
