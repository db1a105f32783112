import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { type Problem, problemType } from '../http/problem';
import { codeOfStatus, titleOf } from '../http/to-problem';

/**
 * Headers of every answer written outside Fastify's reply (a request Node could not parse): nothing in it may
 * be sniffed as another type or framed in a page.
 */
export const BARE_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** How long a connection that is being closed keeps reading what the client still sends, so that it reads the answer. */
export const LINGER_MS = 2000;
/** A request line longer than this that overflows the header limit is answered 414, not 431. */
const LONG_REQUEST_LINE = 8 * 1024;

const handled = new WeakSet<Socket>();

interface ClientError extends Error {
  readonly code?: string;
  /** What the parser was given when it failed (a Buffer from Node, whatever Fastify's types say). */
  readonly rawPacket?: unknown;
}

/** The answer to a request Node's HTTP parser refused, or that did not arrive in time. */
export function clientErrorProblem(error: ClientError): Problem {
  const problem = (status: number, detail: string, code = codeOfStatus(status)): Problem => ({
    type: problemType(`http-${status}`),
    title: titleOf(status),
    status,
    detail,
    code,
  });
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return problem(408, 'the request did not arrive in time (its headers or its body stalled)');
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return requestLineOverflows(error.rawPacket)
      ? problem(414, 'the URL is longer than the server reads')
      : problem(431, 'the request headers are larger than the server reads');
  }
  return problem(
    400,
    'the request is not well-formed HTTP/1.1 (its request line, a header or the framing of its body)',
    'MALFORMED_REQUEST',
  );
}

function requestLineOverflows(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false;
  const newline = packet.indexOf(0x0a);
  return newline === -1 ? packet.length > LONG_REQUEST_LINE : newline > LONG_REQUEST_LINE;
}

/** The X-Correlation-Id a request sent, if it is one the service would echo; else a new one. */
const correlationIdOf = (given: unknown): string =>
  typeof given === 'string' && /^[\x21-\x7e]{1,200}$/.test(given) ? given : randomUUID();

/** The headers of an answer written outside Fastify: problem+json, and the connection closes after it. */
function bareHeaders(problem: Problem, body: string, correlationId: string): Record<string, string> {
  return {
    'x-correlation-id': correlationId,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...BARE_ANSWER_HEADERS,
    ...(problem.status === 503 || problem.status === 429 ? { 'retry-after': '1' } : {}),
  };
}

/** The raw bytes of such an answer, for a socket without a response object. */
export function bareAnswer(problem: Problem): string {
  const body = JSON.stringify(problem);
  const lines = Object.entries(bareHeaders(problem, body, randomUUID())).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Ends a connection after its last answer without losing that answer: the answer and a FIN are sent, then the
 * connection keeps reading (and dropping) what the client still sends for LINGER_MS. Destroying it at once
 * would make the kernel answer the client's unread bytes with a reset, which can discard the answer before
 * the client reads it.
 */
export function endAfter(socket: Socket, answer: string): void {
  socket.end(answer);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

const lingering = new WeakSet<Socket>();

/**
 * For an answer sent with `Connection: close` before the request's body has all arrived (a 413 on its
 * Content-Length, a parser error midway): Node would destroy the socket as soon as the answer is flushed, and
 * the client, still sending, would get a reset instead of the answer. Instead the connection is half-closed
 * after the answer and reads (and drops) the rest of the body until the client closes its side, or for
 * LINGER_MS at most. Node calls `destroySoon` on such a socket; this replaces it for that one socket.
 */
export function lingerOnClose(socket: Socket): void {
  const closing = socket as Socket & { destroySoon?: () => void };
  if (typeof closing.destroySoon !== 'function' || lingering.has(socket)) return;
  lingering.add(socket);
  closing.destroySoon = () => {
    if (socket.writable) socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
  };
}

/**
 * Node's `clientError`: a request it could not parse (malformed framing, headers or URL too large) or that
 * did not arrive within the timeouts. Answered as problem+json with `Connection: close`: through the request's
 * response when one exists (a body that stalled or broke its framing), else written to the socket. A
 * connection that was reset, or whose answer has begun already, is simply let go. Said once per connection,
 * however many errors follow.
 */
export function onClientError(error: ClientError, socket: Socket): void {
  if (handled.has(socket)) return;
  handled.add(socket);
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = clientErrorProblem(error);
  if (response) {
    const body = JSON.stringify(problem);
    const correlationId = correlationIdOf(response.req.headers['x-correlation-id']);
    response.writeHead(problem.status, bareHeaders(problem, body, correlationId)).end(body);
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    return;
  }
  endAfter(socket, bareAnswer(problem));
}
