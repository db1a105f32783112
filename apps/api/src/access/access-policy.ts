import type { Role } from '@app/domain';
import { SetMetadata } from '@nestjs/common';
import type { Principal } from '@app/application';

/**
 * What a route does, as the access matrix of the API contract names it. Every route states one (or is
 * public); the matrix below says which roles may.
 */
export type Access =
  | 'commands'
  | 'configuration'
  | 'reads'
  | 'histories'
  | 'analytics'
  | 'audit'
  | 'events'
  | 'metrics'
  | 'keys'
  | 'privacy';

interface Rule {
  readonly roles: readonly Role[];
  /** A service key issued with `commands: true` may too. */
  readonly serviceWithCommands?: true;
}

/** The access matrix: who may do what. */
export const ACCESS_MATRIX: Readonly<Record<Access, Rule>> = {
  commands: { roles: ['admin', 'sales'], serviceWithCommands: true },
  configuration: { roles: ['admin'] },
  reads: { roles: ['admin', 'sales', 'analyst', 'auditor', 'service'] },
  histories: { roles: ['admin', 'sales', 'auditor'] },
  analytics: { roles: ['admin', 'sales', 'analyst', 'auditor'] },
  audit: { roles: ['admin', 'auditor'] },
  events: { roles: ['admin', 'auditor', 'service'] },
  metrics: { roles: ['admin', 'service'] },
  keys: { roles: ['admin'] },
  /** A person's rights over their data: erasure and export. */
  privacy: { roles: ['admin'] },
};

/** Whether the principal may do what a route does. */
export function allows(principal: Principal, access: Access): boolean {
  const rule = ACCESS_MATRIX[access];
  if (principal.roles.some((role) => rule.roles.includes(role))) return true;
  return rule.serviceWithCommands === true && principal.commands && principal.roles.includes('service');
}

/** Who may be shown the personal fields of leads in clear: everyone but analysts and plain service keys. */
export const seesPersonalData = (principal: Principal): boolean =>
  principal.roles.some((role) => role === 'admin' || role === 'sales' || role === 'auditor') ||
  (principal.roles.includes('service') && principal.personalData);

/** The roles a 403 names as needed. */
export const rolesFor = (access: Access): string => {
  const rule = ACCESS_MATRIX[access];
  return [...rule.roles, ...(rule.serviceWithCommands ? ['service issued with commands'] : [])].join(', ');
};

export const ACCESS_KEY = 'access';

/**
 * What the route does, for the access guard. `asOf`: what it does when asked with asOf (a view of the past
 * is a history: GET /deals/{id}?asOf=...).
 */
export interface AccessPolicy {
  readonly access: Access;
  readonly asOf?: Access;
}

export const Allow = (access: Access, options: { readonly asOf?: Access } = {}) =>
  SetMetadata<string, AccessPolicy>(ACCESS_KEY, { access, ...options });

export const PUBLIC_KEY = 'public';
/** A route anyone may call, without a key: health and the API's documentation. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
