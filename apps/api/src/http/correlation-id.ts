import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';

declare module 'fastify' {
  interface FastifyRequest {
    /** From X-Correlation-Id, or generated; echoed in every response. */
    correlationId: string;
  }
}

const VALID = /^[\x21-\x7e]{1,200}$/;

/** Reads or creates each request's correlation id and echoes it, errors included. */
export function registerCorrelationId(fastify: FastifyInstance): void {
  fastify.decorateRequest('correlationId', '');
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers['x-correlation-id'];
    if (given !== undefined && (typeof given !== 'string' || !VALID.test(given))) {
      request.correlationId = randomUUID();
      void reply.header('x-correlation-id', request.correlationId);
      sendProblem(
        reply,
        ProblemException.badRequest('the X-Correlation-Id header is malformed', [
          { field: 'X-Correlation-Id', reason: 'must be 1 to 200 printable ASCII characters without spaces' },
        ]).problem,
      );
      return;
    }
    request.correlationId = given ?? randomUUID();
    void reply.header('x-correlation-id', request.correlationId);
    done();
  });
}
