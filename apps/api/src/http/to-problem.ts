import { ContentionError, IdempotencyKeyReusedError, RevisionMismatchError } from '@app/application';
import { DomainError } from '@app/domain';
import { StoreUnavailableError } from '@app/event-store';
import { HttpException } from '@nestjs/common';
import type { ProblemCode } from './problem-codes';
import { type Problem, ProblemException, problemType } from './problem';

const TITLES: Record<number, string> = {
  400: 'The request is invalid',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'The request took too long to arrive',
  409: 'The rules forbid this command now',
  412: 'The aggregate changed since you read it',
  413: 'The body is too large',
  414: 'The URL is too long',
  415: 'The body must be JSON',
  422: 'The idempotency key was used for another request',
  429: 'Too many requests',
  431: 'The request headers are too large',
  500: 'Internal error',
  503: 'Unavailable for now',
};

/** The code of an answer that no more specific rule names, by status. */
const BY_STATUS: Record<number, { readonly code: ProblemCode }> = {
  400: { code: 'BAD_REQUEST' },
  401: { code: 'UNAUTHENTICATED' },
  403: { code: 'FORBIDDEN' },
  404: { code: 'NOT_FOUND' },
  405: { code: 'METHOD_NOT_ALLOWED' },
  406: { code: 'NOT_ACCEPTABLE' },
  408: { code: 'REQUEST_TIMEOUT' },
  413: { code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
  414: { code: 'URI_TOO_LONG' },
  415: { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
  429: { code: 'RATE_LIMITED' },
  431: { code: 'HEADERS_TOO_LARGE' },
  500: { code: 'INTERNAL' },
  503: { code: 'UNAVAILABLE' },
};

export const titleOf = (status: number): string =>
  TITLES[status] ?? (status >= 500 ? 'Unavailable' : 'The request cannot be served');
export const codeOfStatus = (status: number): ProblemCode =>
  BY_STATUS[status]?.code ?? (status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST');

/** Fastify's own error codes for requests it refuses before any route runs. */
const FASTIFY_CODES: Record<string, { status: number; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, detail: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    detail: 'the body is empty although Content-Type says JSON: send {} for no fields',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, detail: 'the body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, detail: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, detail: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, detail: 'the Content-Type header is malformed' },
  FST_ERR_BAD_URL: { status: 400, detail: 'the URL is malformed: a percent sign must start a %XX escape' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    detail: 'a path parameter of the URL is longer than any id or name the API has',
  },
};

/** The problem document for one of Fastify's own refusals (FST_ERR_...), or undefined for another code. */
export function fastifyProblem(code: string): Problem | undefined {
  const known = FASTIFY_CODES[code];
  if (!known) return undefined;
  return {
    type: problemType(`http-${known.status}`),
    title: titleOf(known.status),
    status: known.status,
    detail: known.detail,
    code,
  };
}

const DOMAIN_STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;

/** Turns anything thrown while serving a request into the problem document the client receives. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemException) return error.problem;

  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.kind];
    return {
      type: problemType(error.code.toLowerCase().replace(/_/g, '-')),
      title: titleOf(status),
      status,
      detail: error.message,
      code: error.code,
      ...(error.field ? { errors: [{ field: error.field, reason: error.message }] } : {}),
    };
  }

  if (error instanceof RevisionMismatchError) {
    return {
      type: problemType('precondition-failed'),
      title: titleOf(412),
      status: 412,
      detail: error.message,
      code: 'REVISION_MISMATCH',
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      type: problemType('idempotency-key-reused'),
      title: titleOf(422),
      status: 422,
      detail: error.message,
      code: 'IDEMPOTENCY_KEY_REUSED',
    };
  }
  if (error instanceof ContentionError) {
    return {
      type: problemType('contention'),
      title: titleOf(409),
      status: 409,
      detail: error.message,
      code: 'CONTENTION',
    };
  }

  if (error instanceof StoreUnavailableError) {
    return {
      type: problemType('store-unavailable'),
      title: titleOf(503),
      status: 503,
      detail: 'the event store cannot be reached; nothing was written, retry shortly',
      code: 'STORE_UNAVAILABLE',
    };
  }

  // Requests Fastify refuses before a route runs reach here as HttpExceptions caused by a Fastify error.
  const fastifyCode = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  const known = fastifyCode === undefined ? undefined : fastifyProblem(fastifyCode);
  if (known) return known;

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (isHealthReport(response)) {
      return {
        type: problemType('unhealthy'),
        title: titleOf(503),
        status,
        detail: `down: ${Object.keys(response.error).join(', ')}`,
        code: 'UNHEALTHY',
        health: response,
      };
    }
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : error.message;
    return {
      type: problemType(`http-${status}`),
      title: titleOf(status),
      status,
      detail: status === 404 && message.startsWith('Cannot ') ? `no route for ${message.slice(7)}` : message,
      code: codeOfStatus(status),
    };
  }

  // Another error that carries a client-error status of its own (Fastify's, or a parser's): its status.
  // Nothing else of it is shown: its message may quote the request.
  const status = statusOf(error);
  if (status !== undefined) {
    return {
      type: problemType(`http-${status}`),
      title: titleOf(status),
      status,
      detail: 'the request cannot be served as sent',
      code: codeOfStatus(status),
    };
  }

  return {
    type: problemType('internal'),
    title: titleOf(500),
    status: 500,
    detail: 'the server failed to answer this request; nothing was acknowledged',
    code: 'INTERNAL',
  };
}

/** A 4xx status an error says it stands for (Fastify's errors and http-errors carry one). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown; status?: unknown } | null)?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500
    ? status
    : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The answer of a failed health check (terminus): which checks are down, and the details of all. */
function isHealthReport(response: unknown): response is { error: Record<string, unknown>; details: unknown } {
  return (
    typeof response === 'object' &&
    response !== null &&
    'details' in response &&
    typeof (response as { error?: unknown }).error === 'object'
  );
}
