import { createHash, randomUUID } from 'node:crypto';
import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { canonicalJson } from '@app/event-store';
import type { FastifyRequest } from 'fastify';
import type { CommandMeta } from '@app/application';
import { ProblemException, problemType } from './problem';

/** Printable ASCII without spaces at the ends: safe to store and to echo in a header. */
const HEADER_TOKEN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const MAX_HEADER_LENGTH = 200;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function token(request: FastifyRequest, name: string, label: string): string | undefined {
  const value = header(request, name);
  if (value === undefined) return undefined;
  if (value.length > MAX_HEADER_LENGTH || !HEADER_TOKEN.test(value)) {
    throw ProblemException.badRequest(`the ${label} header is malformed`, [
      { field: label, reason: `must be 1 to ${MAX_HEADER_LENGTH} printable ASCII characters` },
    ]);
  }
  return value;
}

/** If-Match: "<revision>" (quotes optional). `*` matches any current revision, so it adds no condition. */
function expectedRevision(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match')?.trim();
  if (value === undefined || value === '*') return undefined;
  const match = /^"?(-1|\d{1,15})"?$/.exec(value);
  if (!match) {
    throw ProblemException.badRequest('the If-Match header is malformed', [
      { field: 'If-Match', reason: 'must be the ETag of the aggregate, a quoted revision such as "3"' },
    ]);
  }
  return Number(match[1]);
}

/**
 * Who acts: the key the request authenticated with (its name is the actor, its id beside it). X-Actor is
 * ignored: a name a client writes proves nothing. A key issued with actOnBehalf may name the person it acts
 * for in X-On-Behalf-Of, recorded beside the key; any other key sending it is refused.
 */
function actorOf(request: FastifyRequest): Pick<CommandMeta, 'actor' | 'actorKeyId' | 'onBehalfOf'> {
  const principal = request.principal;
  if (!principal) throw new Error('a command route reached without an authenticated key');
  const onBehalfOf = token(request, 'x-on-behalf-of', 'X-On-Behalf-Of');
  if (onBehalfOf !== undefined && !principal.actOnBehalf) {
    throw new ProblemException({
      type: problemType('forbidden'),
      title: 'Not allowed',
      status: 403,
      detail: 'this key may not act on behalf of someone: X-On-Behalf-Of needs a key issued with actOnBehalf',
      code: 'ON_BEHALF_NOT_ALLOWED',
    });
  }
  return {
    actor: principal.name,
    actorKeyId: principal.keyId,
    ...(onBehalfOf === undefined ? {} : { onBehalfOf }),
  };
}

export function commandMetaOf(request: FastifyRequest): CommandMeta {
  const key = token(request, 'idempotency-key', 'Idempotency-Key');
  const path = request.url.split('?')[0] ?? request.url;
  const expected = expectedRevision(request);
  const actor = actorOf(request);
  return {
    ...actor,
    correlationId: request.correlationId,
    commandId: randomUUID(),
    ...(expected === undefined ? {} : { expectedRevision: expected }),
    ...(key === undefined
      ? {}
      : {
          idempotency: {
            // Keys are scoped to the API key that sends them: another client's key is another request, and
            // no answer tells whether someone else used it.
            key: `${actor.actorKeyId}/${key}`,
            unscoped: key,
            fingerprint: createHash('sha256')
              .update(`${request.method} ${path}\n${canonicalJson(request.body ?? {})}`)
              .digest('hex'),
          },
        }),
  };
}

/** The command's metadata: the authenticated key, and the request headers (If-Match, Idempotency-Key...). */
export const RequestMeta = createParamDecorator((_: unknown, context: ExecutionContext) =>
  commandMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
