import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from './to-problem';

/** Answers every error raised in a route as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = toProblem(exception);
    if (host.switchToHttp().getRequest<FastifyRequest>().raw.aborted) {
      // The client went away (mid-body, or while the route worked): its doing, not a failure of the service.
      this.logger.debug(
        `request aborted by the client: ${exception instanceof Error ? exception.message : ''}`,
      );
    } else if (problem.status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    sendProblem(reply, problem);
  }
}

/**
 * Sends a problem document. A 503 or 429 always says when to retry: the Retry-After already set (a rate limit's
 * window), else in a second.
 */
export function sendProblem(reply: FastifyReply, problem: ReturnType<typeof toProblem>): void {
  if ((problem.status === 503 || problem.status === 429) && !reply.hasHeader('retry-after')) {
    void reply.header('retry-after', '1');
  }
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(problem);
}
