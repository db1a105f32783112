import { isIP } from 'node:net';
import { type Env, integerSettings } from './settings';

/**
 * How the HTTP server meets its clients: rate limits, cross-origin access, the proxies it trusts and how long
 * it waits on a slow client. Read from the environment with the rest of the configuration.
 */
export interface EdgeConfig {
  /** Requests one API key may make per window (RATE_LIMIT_PER_KEY, default 200000; 0: no limit). */
  readonly rateLimitPerKey: number;
  /**
   * Requests one client address may make per window, whatever key they carry or none (RATE_LIMIT_PER_ADDRESS,
   * default 200000; 0: no limit). An IPv6 client counts as its /64.
   */
  readonly rateLimitPerAddress: number;
  /** The window both limits count in (RATE_LIMIT_WINDOW_MS, default 10000). */
  readonly rateLimitWindowMs: number;
  /** Origins a browser may call the API from (CORS_ORIGINS, comma-separated `scheme://host[:port]`; none by default). */
  readonly corsOrigins: readonly string[];
  /**
   * Proxies whose X-Forwarded-For names the client (TRUST_PROXY: comma-separated addresses or CIDR ranges; none
   * by default, so the client is the peer of the TCP connection).
   */
  readonly trustProxy: readonly string[];
  /** Longest time to receive a whole request, headers and body (REQUEST_TIMEOUT_MS, default 30000). */
  readonly requestTimeoutMs: number;
  /** Longest time to receive a request's headers (HEADERS_TIMEOUT_MS, default 10000; at most REQUEST_TIMEOUT_MS). */
  readonly headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (KEEP_ALIVE_TIMEOUT_MS, default 72000). */
  readonly keepAliveTimeoutMs: number;
  /** A connection without any traffic for this long is closed (CONNECTION_TIMEOUT_MS, default 0: never). */
  readonly connectionTimeoutMs: number;
}

const HOUR_MS = 3_600_000;
/** What an Origin header holds: a scheme, a host and maybe a port, nothing else. */
const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** Reads the edge settings, adding a line naming each bad one to `problems`. */
export function edgeConfigOf(env: Env, problems: string[]): EdgeConfig {
  const integer = integerSettings(env, problems);
  const list = (name: string): string[] =>
    (env[name] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');

  const corsOrigins = list('CORS_ORIGINS');
  const badOrigins = corsOrigins.filter((origin) => !ORIGIN.test(origin));
  if (badOrigins.length > 0) {
    problems.push(
      `CORS_ORIGINS must be origins such as https://crm.example.com (scheme, host and port, lowercase, no path), got "${badOrigins.join(', ')}"`,
    );
  }
  const trustProxy = list('TRUST_PROXY');
  const badProxies = trustProxy.filter((entry) => !isAddressOrRange(entry));
  if (badProxies.length > 0) {
    problems.push(
      `TRUST_PROXY must be IP addresses or CIDR ranges such as 10.0.0.0/8, got "${badProxies.join(', ')}"`,
    );
  }

  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', 30_000, 1000, HOUR_MS);
  const headersTimeoutMs = integer('HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 1000, HOUR_MS);
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(
      `HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${headersTimeoutMs}"`,
    );
  }
  return {
    rateLimitPerKey: integer('RATE_LIMIT_PER_KEY', 200_000, 0, 1_000_000_000),
    rateLimitPerAddress: integer('RATE_LIMIT_PER_ADDRESS', 200_000, 0, 1_000_000_000),
    rateLimitWindowMs: integer('RATE_LIMIT_WINDOW_MS', 10_000, 100, HOUR_MS),
    corsOrigins,
    trustProxy,
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integer('KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, HOUR_MS),
    connectionTimeoutMs: integer('CONNECTION_TIMEOUT_MS', 0, 0, HOUR_MS),
  };
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
