import { ContentionError, IdempotencyKeyReusedError, RevisionMismatchError } from '@app/application';
import { DomainError } from '@app/domain';
import { StoreUnavailableError } from '@app/event-store';
import { HttpException } from '@nestjs/common';
import { type Problem, ProblemException, problemType } from './problem';

const TITLES: Record<number, string> = {
  400: 'The request is invalid',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'The rules forbid this command now',
  412: 'The aggregate changed since you read it',
  413: 'The body is too large',
  415: 'The body must be JSON',
  422: 'The idempotency key was used for another request',
  503: 'Unavailable for now',
};

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
};

const DOMAIN_STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;

/** Turns anything thrown while serving a request into the problem document the client receives. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemException) return error.problem;

  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.kind];
    return {
      type: problemType(error.code.toLowerCase().replace(/_/g, '-')),
      title: TITLES[status]!,
      status,
      detail: error.message,
      code: error.code,
      ...(error.field ? { errors: [{ field: error.field, reason: error.message }] } : {}),
    };
  }

  if (error instanceof RevisionMismatchError) {
    return {
      type: problemType('precondition-failed'),
      title: TITLES[412]!,
      status: 412,
      detail: error.message,
      code: 'REVISION_MISMATCH',
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      type: problemType('idempotency-key-reused'),
      title: TITLES[422]!,
      status: 422,
      detail: error.message,
      code: 'IDEMPOTENCY_KEY_REUSED',
    };
  }
  if (error instanceof ContentionError) {
    return {
      type: problemType('contention'),
      title: TITLES[409]!,
      status: 409,
      detail: error.message,
      code: 'CONTENTION',
    };
  }

  if (error instanceof StoreUnavailableError) {
    return {
      type: problemType('store-unavailable'),
      title: TITLES[503]!,
      status: 503,
      detail: 'the event store cannot be reached; nothing was written, retry shortly',
      code: 'STORE_UNAVAILABLE',
    };
  }

  // Requests Fastify refuses before a route runs reach here as HttpExceptions caused by a Fastify error.
  const fastifyCode = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  const known = fastifyCode === undefined ? undefined : FASTIFY_CODES[fastifyCode];
  if (known) {
    return {
      type: problemType(`http-${known.status}`),
      title: TITLES[known.status]!,
      status: known.status,
      detail: known.detail,
      code: fastifyCode,
    };
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (isHealthReport(response)) {
      return {
        type: problemType('unhealthy'),
        title: TITLES[503]!,
        status,
        detail: `down: ${Object.keys(response.error).join(', ')}`,
        health: response,
      };
    }
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : error.message;
    return {
      type: problemType(`http-${status}`),
      title: TITLES[status] ?? error.name,
      status,
      detail: status === 404 && message.startsWith('Cannot ') ? `no route for ${message.slice(7)}` : message,
    };
  }

  return {
    type: problemType('internal'),
    title: 'Internal error',
    status: 500,
    detail: 'the server failed to answer this request; nothing was acknowledged',
  };
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
