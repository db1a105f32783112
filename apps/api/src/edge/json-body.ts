import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../http/problem';
import { fastifyProblem } from '../http/to-problem';
import { hostileInput } from './hostile-input';

const refusal = (code: string): ProblemException => new ProblemException(fastifyProblem(code)!);

/**
 * The JSON body parser, in place of Fastify's: the same answers for an empty or malformed body, and before any
 * validator sees the value, a 400 naming the field for what would crash one or slip past it (see
 * hostileInput): nesting deeper than 32 levels, a lone surrogate in a string or a key, a key named after an
 * Object.prototype member. JSON.parse makes `__proto__` an ordinary own key, which is then refused like any
 * unknown field rather than as "not valid JSON".
 */
export function registerJsonBody(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    // A byte order mark is no part of the JSON (Fastify's own parser drops it too).
    const text = (body as string).replace(/^\uFEFF/, '');
    if (text.trim() === '') return done(refusal('FST_ERR_CTP_EMPTY_JSON_BODY'), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(refusal('FST_ERR_CTP_INVALID_JSON_BODY'), undefined);
    }
    const problems = hostileInput(value);
    if (problems.length > 0) {
      return done(
        ProblemException.badRequest(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), problems),
        undefined,
      );
    }
    return done(null, value);
  });
}
