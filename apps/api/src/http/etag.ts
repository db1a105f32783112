import type { FastifyInstance } from 'fastify';

/**
 * Every successful answer that carries an aggregate's revision gets it as its ETag, for If-Match on the next
 * command. A Fastify hook on the body before serialisation: no per-request interceptor pipeline.
 */
export function registerETag(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    const revision = (payload as { revision?: unknown } | null)?.revision;
    if (reply.statusCode < 300 && typeof revision === 'number') void reply.header('etag', `"${revision}"`);
    done(null, payload);
  });
}
