import {
  type Decider,
  type DomainCommand,
  type DomainEvent,
  EVENT_SCHEMA_VERSIONS,
  type SalesEventType,
  nameBasedUuid,
} from '@app/domain';
import {
  EventIdConflictError,
  EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
  timeOrderedUuid,
} from '@app/event-store';
import { Injectable } from '@nestjs/common';
import { foldHistory } from './aggregate-loader';
import { ContentionError, IdempotencyKeyReusedError, RevisionMismatchError } from './command-errors';
import type { CommandMeta, CommandResult } from './command-meta';

/** Namespace of event ids derived from idempotency keys. */
const IDEMPOTENT_EVENT_NAMESPACE = 'c1d9a3f0-6b2e-4e8a-9f47-2a5d7c3b1e90';

/** How often a command that keeps losing races to other writers is decided again before giving up. */
const MAX_ATTEMPTS = 20;

export interface AggregateCommand<C extends DomainCommand, S, E extends DomainEvent> {
  readonly streamId: string;
  readonly aggregateId: string;
  readonly decider: Decider<C, S, E>;
  /** Builds the domain command at decision time (each attempt gets a fresh clock). */
  readonly command: (now: string) => C;
  readonly meta: CommandMeta;
  /**
   * The stream id was just made up at random (a capture with no id and no key): the stream cannot exist, so
   * the first attempt appends with no_stream without reading it. The store still checks that expectation.
   */
  readonly fresh?: boolean;
}

/**
 * The whole command path: read the stream, fold it into state, decide, append with the expected revision.
 * Without If-Match, a command that loses a race is decided again on the new state; with If-Match, the race
 * is the client's 412. An Idempotency-Key makes the written events' ids deterministic and marks them, so a
 * retry (even after a crash or a restart) finds the first answer in the stream itself.
 */
@Injectable()
export class AggregateCommandExecutor {
  constructor(private readonly store: EventStore) {}

  async execute<C extends DomainCommand, S, E extends DomainEvent>(
    request: AggregateCommand<C, S, E>,
  ): Promise<CommandResult> {
    const { streamId, aggregateId, decider, meta } = request;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const history = attempt === 1 && request.fresh ? [] : await this.store.readStream(streamId);
      const earlier = meta.idempotency && answeredBefore(history, aggregateId, meta.idempotency);
      if (earlier) return earlier;

      const revision = history.length - 1;
      if (meta.expectedRevision !== undefined && revision >= 0 && meta.expectedRevision !== revision) {
        throw new RevisionMismatchError(meta.expectedRevision, revision);
      }
      const state = foldHistory(decider, history);
      const now = new Date().toISOString();
      const events = decider.decide(request.command(now), state);
      try {
        const result = await this.store.appendToStream(streamId, events.map(toNewEvent(now, meta)), {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        return { id: aggregateId, revision: result.revision, position: result.position.toString() };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) {
          if (meta.expectedRevision !== undefined)
            throw new RevisionMismatchError(meta.expectedRevision, error.actual);
          continue;
        }
        if (error instanceof EventIdConflictError && meta.idempotency) throw new IdempotencyKeyReusedError();
        throw error;
      }
    }
    throw new ContentionError(aggregateId, MAX_ATTEMPTS);
  }
}

function toNewEvent(now: string, meta: CommandMeta) {
  return (event: DomainEvent, index: number): NewEvent => ({
    id: meta.idempotency
      ? nameBasedUuid(IDEMPOTENT_EVENT_NAMESPACE, `${meta.idempotency.key}\n${index}`)
      : timeOrderedUuid(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      occurredAt: now,
      actor: meta.actor,
      correlationId: meta.correlationId,
      causationId: meta.commandId,
      schemaVersion: EVENT_SCHEMA_VERSIONS[event.type as SalesEventType] ?? 1,
      ...(meta.idempotency
        ? { idempotencyKey: meta.idempotency.key, requestFingerprint: meta.idempotency.fingerprint }
        : {}),
    },
  });
}

/** The first answer to a request with this idempotency key, when its events are already in the stream. */
function answeredBefore(
  history: readonly RecordedEvent[],
  aggregateId: string,
  idempotency: NonNullable<CommandMeta['idempotency']>,
): CommandResult | undefined {
  const written = history.filter((e) => e.metadata['idempotencyKey'] === idempotency.key);
  const last = written[written.length - 1];
  if (!last) return undefined;
  if (last.metadata['requestFingerprint'] !== idempotency.fingerprint) throw new IdempotencyKeyReusedError();
  return { id: aggregateId, revision: last.revision, position: last.position.toString() };
}
