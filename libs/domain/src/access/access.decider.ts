import { conflict, invalid, notFound } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { assertText } from '../shared/values';
import type { AccessCommand, IssueApiKey, RevokeApiKey } from './access.commands';
import { type AccessEvent, ROLES, type Role } from './access.events';
import { type ApiKeyState, evolveApiKey, initialApiKeyState } from './access.state';

const MAX_KEY_NAME = 100;

function issue({ data, metadata }: IssueApiKey, state: ApiKeyState): AccessEvent[] {
  if (state.status !== 'none') throw conflict('KEY_ALREADY_EXISTS', `key ${data.keyId} was issued already`);
  assertText(data.name, 'name', MAX_KEY_NAME);
  if (data.roles.length === 0) throw invalid('NO_ROLES', 'roles', 'a key needs at least one role');
  const unknown = data.roles.find((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown !== undefined) {
    throw invalid('UNKNOWN_ROLE', 'roles', `"${unknown}" is not a role: ${ROLES.join(', ')}`);
  }
  const serviceOnly = (['commands', 'actOnBehalf', 'personalData'] as const).find(
    (grant) => data[grant] && !data.roles.includes('service'),
  );
  if (serviceOnly !== undefined) {
    throw invalid('SERVICE_GRANT', serviceOnly, `${serviceOnly} is granted to service keys only`);
  }
  // Roles once each, in the order ROLES lists them: two issues of the same grants read the same.
  const roles = ROLES.filter((role: Role) => data.roles.includes(role));
  return [
    {
      type: 'ApiKeyIssued',
      data: {
        keyId: data.keyId,
        name: data.name,
        roles,
        commands: data.commands,
        actOnBehalf: data.actOnBehalf,
        personalData: data.personalData,
        issuedAt: metadata.now,
      },
    },
  ];
}

function revoke({ data, metadata }: RevokeApiKey, state: ApiKeyState): AccessEvent[] {
  if (state.status === 'none') throw notFound('KEY_NOT_FOUND', `no key ${data.keyId}`);
  if (state.status === 'revoked')
    throw conflict('KEY_ALREADY_REVOKED', `key ${data.keyId} is revoked already`);
  return [{ type: 'ApiKeyRevoked', data: { keyId: data.keyId, revokedAt: metadata.now } }];
}

export function decideApiKey(command: AccessCommand, state: ApiKeyState): AccessEvent[] {
  switch (command.type) {
    case 'IssueApiKey':
      return issue(command, state);
    case 'RevokeApiKey':
      return revoke(command, state);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

/** One API key: issued once with its grants, revoked at most once. Its secret never enters the domain. */
export const apiKeyDecider = (keyId: string): Decider<AccessCommand, ApiKeyState, AccessEvent> => ({
  initialState: () => initialApiKeyState(keyId),
  decide: decideApiKey,
  evolve: evolveApiKey,
});
