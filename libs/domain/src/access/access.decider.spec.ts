import { deciderSpec } from '../testing/decider-spec';
import type { IssueApiKey, RevokeApiKey } from './access.commands';
import { apiKeyDecider } from './access.decider';
import type { AccessEvent, ApiKeyIssued } from './access.events';

const keyId = '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e';
const t0 = '2026-03-01T10:00:00.000Z';
const t1 = '2026-03-02T11:00:00.000Z';
const spec = deciderSpec(apiKeyDecider(keyId));

/** The grants of the key the tests issue, unless they say otherwise. */
const GRANTS: IssueApiKey['data'] = {
  keyId,
  name: 'crm-sync',
  roles: ['service'],
  commands: false,
  actOnBehalf: false,
  personalData: false,
};

const issue = (data: Partial<IssueApiKey['data']> = {}): IssueApiKey => ({
  type: 'IssueApiKey',
  data: { ...GRANTS, ...data },
  metadata: { now: t0 },
});
const revoke: RevokeApiKey = { type: 'RevokeApiKey', data: { keyId }, metadata: { now: t1 } };

const issued = (data: Partial<ApiKeyIssued['data']> = {}): AccessEvent => ({
  type: 'ApiKeyIssued',
  data: { ...GRANTS, issuedAt: t0, ...data },
});

describe('API key decider', () => {
  describe('IssueApiKey', () => {
    it('issues a key with its grants at the command time, roles once each in the order of the roles', () => {
      spec
        .given([])
        .when(issue({ roles: ['service', 'analyst', 'service'], commands: true }))
        .then([issued({ roles: ['analyst', 'service'], commands: true })]);
    });

    it('refuses a key issued already, whatever became of it', () => {
      spec.given([issued()]).when(issue()).thenFails('KEY_ALREADY_EXISTS', 'conflict');
      spec
        .given([issued(), { type: 'ApiKeyRevoked', data: { keyId, revokedAt: t1 } }])
        .when(issue())
        .thenFails('KEY_ALREADY_EXISTS', 'conflict');
    });

    it('refuses a key without roles, with an unknown role, or with a blank or long name', () => {
      spec
        .given([])
        .when(issue({ roles: [] }))
        .thenFails('NO_ROLES', 'invalid', 'roles');
      spec
        .given([])
        .when(issue({ roles: ['root' as never] }))
        .thenFails('UNKNOWN_ROLE', 'invalid', 'roles');
      spec
        .given([])
        .when(issue({ name: '  ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'name');
      spec
        .given([])
        .when(issue({ name: 'x'.repeat(101) }))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'name');
    });

    it.each(['commands', 'actOnBehalf', 'personalData'] as const)(
      'grants %s to service keys only',
      (grant) => {
        spec
          .given([])
          .when(issue({ roles: ['sales'], [grant]: true }))
          .thenFails('SERVICE_GRANT', 'invalid', grant);
        spec
          .given([])
          .when(issue({ roles: ['service'], [grant]: true }))
          .then([issued({ [grant]: true })]);
      },
    );
  });

  describe('RevokeApiKey', () => {
    it('revokes a key in use at the command time', () => {
      spec
        .given([issued()])
        .when(revoke)
        .then([{ type: 'ApiKeyRevoked', data: { keyId, revokedAt: t1 } }]);
    });

    it('refuses an unknown key, and a key revoked already', () => {
      spec.given([]).when(revoke).thenFails('KEY_NOT_FOUND', 'not_found');
      spec
        .given([issued(), { type: 'ApiKeyRevoked', data: { keyId, revokedAt: t1 } }])
        .when(revoke)
        .thenFails('KEY_ALREADY_REVOKED', 'conflict');
    });
  });
});
