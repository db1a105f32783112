import type { DomainCommand } from '../shared/message';
import type { KeyGrants } from './access.events';

export interface IssueApiKeyData extends KeyGrants {
  readonly keyId: string;
  readonly name: string;
}

export interface RevokeApiKeyData {
  readonly keyId: string;
}

export type IssueApiKey = DomainCommand<'IssueApiKey', IssueApiKeyData>;
export type RevokeApiKey = DomainCommand<'RevokeApiKey', RevokeApiKeyData>;
export type AccessCommand = IssueApiKey | RevokeApiKey;
