import { randomUUID } from 'node:crypto';
import {
  type AccessCommand,
  type IssueApiKeyData,
  type KeyGrants,
  type Role,
  apiKeyDecider,
  apiKeyStream,
  conflict,
} from '@app/domain';
import { Injectable } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandMeta, CommandResult } from '../commands/command-meta';
import { KeyStore, type StoredKey } from './key-store.port';
import { newSecret, sameHash, secretHashOf } from './secrets';

/** Who a request acts as: the key it authenticated with, and what that key may do. */
export interface Principal extends KeyGrants {
  readonly keyId: string;
  readonly name: string;
}

/** A key just issued: the command's answer, the key as stored, and its secret (shown this once). */
export interface IssuedKey {
  readonly result: CommandResult;
  readonly key: StoredKey;
  readonly secret: string;
}

export type KeyRequest = Omit<IssueApiKeyData, 'keyId'>;

const principalOf = ({ keyId, name, roles, commands, actOnBehalf, personalData }: StoredKey): Principal => ({
  keyId,
  name,
  roles,
  commands,
  actOnBehalf,
  personalData,
});

/**
 * How long a process keeps what a secret authenticated: a revocation holds on every other process within this
 * (at once on the process that revoked). It saves the key store's lookup on nearly every request.
 */
export const AUTHENTICATION_CACHE_MS = 500;
const MAX_REMEMBERED = 10_000;

const isAdmin = (key: StoredKey) => key.roles.includes('admin' satisfies Role);
const inUse = (key: StoredKey) => key.active && key.revokedAt === null;

/**
 * The access use cases: issue and revoke API keys, and tell who a secret belongs to. A key is written to the
 * key store inactive, its issue recorded in the log, and only then made active; a revocation takes effect in
 * the key store first and is then recorded. So no key works that the log does not show issued, and a key the
 * log shows revoked works nowhere.
 */
@Injectable()
export class ApiKeys {
  /** What recent secrets (by hash) authenticated, and when that was looked up. */
  private readonly recent = new Map<
    string,
    { readonly at: number; readonly principal: Principal | undefined }
  >();

  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly keys: KeyStore,
  ) {}

  /** Issues a key with a new random secret (or the one given, for ADMIN_API_KEY). */
  async issue(request: KeyRequest, meta: CommandMeta, secret = newSecret()): Promise<IssuedKey> {
    const keyId = randomUUID();
    const stored = this.stored(keyId, request, secret);
    await this.keys.add(stored);
    return this.record(stored, request, meta, secret);
  }

  /** Issues the first key of an empty store; undefined when the store holds one already. */
  async issueFirst(
    request: KeyRequest,
    meta: CommandMeta,
    secret = newSecret(),
  ): Promise<IssuedKey | undefined> {
    const stored = this.stored(randomUUID(), request, secret);
    if (!(await this.keys.addFirst(stored))) return undefined;
    return this.record(stored, request, meta, secret);
  }

  /**
   * Revokes a key: at once in the key store, then in the log. The last admin key in use is not revoked: no
   * one could issue keys any more.
   */
  async revoke(keyId: string, meta: CommandMeta): Promise<CommandResult> {
    const key = await this.keys.get(keyId);
    if (key && inUse(key) && isAdmin(key)) {
      const admins = (await this.keys.list()).filter((other) => inUse(other) && isAdmin(other));
      if (admins.length === 1) {
        throw conflict('LAST_ADMIN_KEY', 'this is the last admin key in use: issue another admin key first');
      }
    }
    if (key) await this.keys.revoke(keyId, new Date().toISOString());
    this.recent.clear();
    return this.executor.execute({
      streamId: apiKeyStream(keyId),
      aggregateId: keyId,
      decider: apiKeyDecider(keyId),
      command: (now): AccessCommand => ({ type: 'RevokeApiKey', data: { keyId }, metadata: { now } }),
      meta,
    });
  }

  /**
   * The principal a secret authenticates: undefined for an unknown, inactive or revoked key. What the key
   * store answered is remembered for AUTHENTICATION_CACHE_MS (found or not, at most 10,000 secrets).
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    const hash = secretHashOf(secret);
    const now = Date.now();
    const remembered = this.recent.get(hash);
    if (remembered && now - remembered.at < AUTHENTICATION_CACHE_MS) return remembered.principal;
    const key = await this.keys.bySecretHash(hash);
    // The lookup found the hash by index; the comparison that decides is made in constant time.
    const principal = key && sameHash(key.secretHash, hash) && inUse(key) ? principalOf(key) : undefined;
    if (this.recent.size >= MAX_REMEMBERED) this.recent.clear();
    this.recent.set(hash, { at: now, principal });
    return principal;
  }

  /** The key a secret belongs to, whatever its state (for start-up checks). */
  bySecret(secret: string): Promise<StoredKey | undefined> {
    return this.keys.bySecretHash(secretHashOf(secret));
  }

  list(): Promise<StoredKey[]> {
    return this.keys.list();
  }

  async get(keyId: string): Promise<StoredKey | undefined> {
    const key = await this.keys.get(keyId);
    return key?.active ? key : undefined;
  }

  private stored(keyId: string, request: KeyRequest, secret: string): StoredKey {
    return {
      keyId,
      name: request.name,
      roles: request.roles,
      commands: request.commands,
      actOnBehalf: request.actOnBehalf,
      personalData: request.personalData,
      secretHash: secretHashOf(secret),
      issuedAt: new Date().toISOString(),
      revokedAt: null,
      active: false,
    };
  }

  private async record(stored: StoredKey, request: KeyRequest, meta: CommandMeta, secret: string) {
    const { keyId } = stored;
    let result: CommandResult;
    try {
      result = await this.executor.execute({
        streamId: apiKeyStream(keyId),
        aggregateId: keyId,
        decider: apiKeyDecider(keyId),
        command: (now): AccessCommand => ({
          type: 'IssueApiKey',
          data: { ...request, keyId },
          metadata: { now },
        }),
        meta,
      });
    } catch (error) {
      await this.keys.discard(keyId);
      throw error;
    }
    await this.keys.activate(keyId);
    return { result, key: { ...stored, active: true }, secret };
  }
}
