import type { AccessEvent, KeyGrants } from './access.events';

/** One API key as its events tell it: never issued, in use, or revoked. */
export type ApiKeyState =
  | { readonly status: 'none'; readonly keyId: string }
  | ({
      readonly status: 'active' | 'revoked';
      readonly keyId: string;
      readonly name: string;
      readonly issuedAt: string;
      readonly revokedAt: string | null;
    } & KeyGrants);

export const initialApiKeyState = (keyId: string): ApiKeyState => ({ status: 'none', keyId });

export function evolveApiKey(state: ApiKeyState, event: AccessEvent): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyIssued': {
      const { keyId, name, issuedAt, roles, commands, actOnBehalf, personalData } = event.data;
      return {
        status: 'active',
        keyId,
        name,
        issuedAt,
        revokedAt: null,
        roles,
        commands,
        actOnBehalf,
        personalData,
      };
    }
    case 'ApiKeyRevoked':
      return state.status === 'none'
        ? state
        : { ...state, status: 'revoked', revokedAt: event.data.revokedAt };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
