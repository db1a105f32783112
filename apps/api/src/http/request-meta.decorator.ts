import { createHash, randomUUID } from 'node:crypto';
import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { canonicalJson } from '@app/event-store';
import type { FastifyRequest } from 'fastify';
import type { CommandMeta } from '@app/application';
import { ProblemException } from './problem';

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

export function commandMetaOf(request: FastifyRequest): CommandMeta {
  const key = token(request, 'idempotency-key', 'Idempotency-Key');
  const path = request.url.split('?')[0] ?? request.url;
  const expected = expectedRevision(request);
  return {
    actor: token(request, 'x-actor', 'X-Actor') ?? 'anonymous',
    correlationId: request.correlationId,
    commandId: randomUUID(),
    ...(expected === undefined ? {} : { expectedRevision: expected }),
    ...(key === undefined
      ? {}
      : {
          idempotency: {
            key,
            fingerprint: createHash('sha256')
              .update(`${request.method} ${path}\n${canonicalJson(request.body ?? {})}`)
              .digest('hex'),
          },
        }),
  };
}

/** The command's metadata, read from the request headers (X-Actor, If-Match, Idempotency-Key...). */
export const RequestMeta = createParamDecorator((_: unknown, context: ExecutionContext) =>
  commandMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
