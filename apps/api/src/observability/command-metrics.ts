import {
  type AggregateCommand,
  CommandObserver,
  type CommandResult,
  ContentionError,
  IdempotencyKeyReusedError,
  RevisionMismatchError,
} from '@app/application';
import { type DomainCommand, DomainError, type DomainEvent, streamCategory } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { Metrics } from './metrics';

/** The class of the rule that refused a command, or undefined for a failure that is no refusal. */
export function refusalClass(error: unknown): string | undefined {
  if (error instanceof DomainError) return error.kind;
  if (error instanceof RevisionMismatchError) return 'precondition';
  if (error instanceof IdempotencyKeyReusedError) return 'idempotency';
  if (error instanceof ContentionError) return 'contention';
  return undefined;
}

/**
 * Counts every command the executor runs (requests and the automation alike) by type and outcome. The type is
 * the domain command's, known once the command is built; one refused before that (If-Match on a revision it
 * is no longer at) or answered from its idempotency key is counted as `unknown`.
 */
@Injectable()
export class CommandMetrics extends CommandObserver {
  constructor(private readonly metrics: Metrics) {
    super();
  }

  async observe<C extends DomainCommand, S, E extends DomainEvent>(
    request: AggregateCommand<C, S, E>,
    run: (request: AggregateCommand<C, S, E>) => Promise<CommandResult>,
  ): Promise<CommandResult> {
    let type = 'unknown';
    const watched: AggregateCommand<C, S, E> = {
      ...request,
      command: async (now, state) => {
        const command = await request.command(now, state);
        type = command.type;
        return command;
      },
    };
    const aggregate = streamCategory(request.streamId);
    try {
      const result = await run(watched);
      this.metrics.commands.inc({ aggregate, type, outcome: 'success' });
      return result;
    } catch (error) {
      const refusal = refusalClass(error);
      this.metrics.commands.inc(
        refusal === undefined
          ? { aggregate, type, outcome: 'error' }
          : { aggregate, type, outcome: 'refused', code_class: refusal },
      );
      throw error;
    }
  }
}
