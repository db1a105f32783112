import {
  type Decider,
  type DomainCommand,
  type DomainEvent,
  EVENT_SCHEMA_VERSIONS,
  type SalesEventType,
} from '@app/domain';
import {
  EventIdConflictError,
  EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
  idempotentEventId,
  timeOrderedUuid,
} from '@app/event-store';
import { Injectable, Optional } from '@nestjs/common';
import { foldHistory } from './aggregate-loader';
import { ContentionError, IdempotencyKeyReusedError, RevisionMismatchError } from './command-errors';
import type { CommandMeta, CommandResult } from './command-meta';

/** How often a command that keeps losing races to other writers is decided again before giving up. */
const MAX_ATTEMPTS = 20;

export interface AggregateCommand<C extends DomainCommand, S, E extends DomainEvent> {
  readonly streamId: string;
  readonly aggregateId: string;
  readonly decider: Decider<C, S, E>;
  /**
   * Builds the domain command at decision time, from the clock and the aggregate's state (each attempt gets
   * both afresh): it may look up what the decision needs besides the state, such as the deal's pipeline.
   */
  readonly command: (now: string, state: S) => C | Promise<C>;
  readonly meta: CommandMeta;
  /**
   * The stream id was just made up at random (a capture with no id and no key): the stream cannot exist, so
   * the first attempt appends with no_stream without reading it. The store still checks that expectation.
   */
  readonly fresh?: boolean;
}

/** Watches the commands run (the API's metrics): runs each one with `run`, to which it may pass it wrapped. */
export abstract class CommandObserver {
  abstract observe<C extends DomainCommand, S, E extends DomainEvent>(
    request: AggregateCommand<C, S, E>,
    run: (request: AggregateCommand<C, S, E>) => Promise<CommandResult>,
  ): Promise<CommandResult>;
}

/**
 * The whole command path: read the stream, fold it into state, decide, append with the expected revision.
 * Without If-Match, a command that loses a race is decided again on the new state; with If-Match, the race
 * is the client's 412. An Idempotency-Key makes the written events' ids deterministic and marks them, so a
 * retry (even after a crash or a restart) finds the first answer in the stream itself.
 */
@Injectable()
export class AggregateCommandExecutor {
  constructor(
    private readonly store: EventStore,
    @Optional() private readonly observer?: CommandObserver,
  ) {}

  execute<C extends DomainCommand, S, E extends DomainEvent>(
    request: AggregateCommand<C, S, E>,
  ): Promise<CommandResult> {
    return this.observer ? this.observer.observe(request, (r) => this.run(r)) : this.run(request);
  }

  private async run<C extends DomainCommand, S, E extends DomainEvent>(
    request: AggregateCommand<C, S, E>,
  ): Promise<CommandResult> {
    const { streamId, aggregateId, decider, meta } = request;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const history = attempt === 1 && request.fresh ? [] : await this.store.readStream(streamId);
      const earlier = meta.idempotency && answeredBefore(history, aggregateId, meta.idempotency);
      if (earlier) return earlier;

      const revision = history.length - 1;
      const state = foldHistory(decider, history);
      // If-Match holds an aggregate to the revision read. One that does not exist answers its own refusal (not
      // found); one that exists before any event of its own (the built-in default pipeline) is at -1.
      if (meta.expectedRevision !== undefined && meta.expectedRevision !== revision && !isAbsent(state)) {
        throw new RevisionMismatchError(meta.expectedRevision, revision);
      }
      const now = new Date().toISOString();
      const events = decider.decide(await request.command(now, state), state);
      // A command that creates its aggregate (it was decided on one that does not exist) is at revision -1:
      // If-Match with any other revision is a precondition that does not hold, not one to ignore.
      if (meta.expectedRevision !== undefined && meta.expectedRevision !== -1 && isAbsent(state)) {
        throw new RevisionMismatchError(meta.expectedRevision, -1);
      }
      if (events.length === 0) {
        // Nothing to change (a patch that sets what is already there): the answer is where the aggregate is.
        const last = history[history.length - 1];
        return { id: aggregateId, revision, position: (last?.position ?? 0n).toString() };
      }
      try {
        const result = await this.store.appendToStream(
          streamId,
          events.map(toNewEvent(streamId, now, meta)),
          {
            expectedRevision: revision < 0 ? 'no_stream' : revision,
          },
        );
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

function toNewEvent(streamId: string, now: string, meta: CommandMeta) {
  return (event: DomainEvent, index: number): NewEvent => ({
    id: meta.idempotency ? idempotentEventId(streamId, meta.idempotency.key, index) : timeOrderedUuid(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      occurredAt: now,
      actor: meta.actor,
      ...(meta.actorKeyId === undefined ? {} : { actorKeyId: meta.actorKeyId }),
      ...(meta.onBehalfOf === undefined ? {} : { onBehalfOf: meta.onBehalfOf }),
      correlationId: meta.correlationId,
      causationId: meta.commandId,
      schemaVersion: EVENT_SCHEMA_VERSIONS[event.type as SalesEventType] ?? 1,
      ...(meta.idempotency
        ? { idempotencyKey: meta.idempotency.key, requestFingerprint: meta.idempotency.fingerprint }
        : {}),
    },
  });
}

/** States say `status: 'none'` until their aggregate exists. */
const isAbsent = (state: unknown): boolean => (state as { status?: unknown } | null)?.status === 'none';

/** The first answer to a request with this idempotency key, when its events are already in the stream. */
function answeredBefore(
  history: readonly RecordedEvent[],
  aggregateId: string,
  idempotency: NonNullable<CommandMeta['idempotency']>,
): CommandResult | undefined {
  const written = history.filter(
    (e) =>
      e.metadata['idempotencyKey'] === idempotency.key ||
      (idempotency.unscoped !== undefined &&
        e.metadata['actorKeyId'] === undefined &&
        e.metadata['idempotencyKey'] === idempotency.unscoped),
  );
  const last = written[written.length - 1];
  if (!last) return undefined;
  if (last.metadata['requestFingerprint'] !== idempotency.fingerprint) throw new IdempotencyKeyReusedError();
  return { id: aggregateId, revision: last.revision, position: last.position.toString() };
}
