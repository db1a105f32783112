import type { LoggerService } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';

/**
 * Never written, whatever a log call is given: credentials, and what a request or an event carries. The
 * service logs none of these; this is the net under a mistake.
 */
/**
 * What is never written, should a caller pass it: named paths only, as wildcards made the redaction a
 * measurable part of every request's log line.
 */
const REDACTED = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'request.body',
  'secret',
  'apiKey',
  'key',
  'body',
  'req.body',
];

const OPTIONS: LoggerOptions = {
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: REDACTED, censor: '[redacted]' },
};

/**
 * The service's logger: JSON lines on stdout from LOG_LEVEL up, or to `destination` (a test reads them).
 * LOG_FORMAT=pretty writes coloured lines for a person instead; pino-pretty is loaded only then.
 */
export async function createLogger(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  destination?: DestinationStream,
): Promise<Logger> {
  const options: LoggerOptions = { ...OPTIONS, level: config.logLevel };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(options, pretty({ sync: true, translateTime: 'SYS:standard' }));
  }
  return pino(options);
}

/** Nest's levels as pino's. */
const LEVELS: Record<string, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Nest's start-up chatter (modules loaded, every route mapped): useful when looking into a start, noise in
 * every other one, so it is written at debug.
 */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * Nest's logs (every `Logger` of the service and of Nest itself) as pino lines: `{ level, time, context, msg }`,
 * and `err` with the stack for an error given one.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest calls `log(message, context)` from a Logger with a context, and `error(message, stack, context)`:
   * the last string parameter is the context, and a stack before it goes with the error.
   */
  private write(nestLevel: string, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    let level = LEVELS[nestLevel] ?? 'info';
    if (level === 'info' && context !== undefined && FRAMEWORK_CONTEXTS.has(context)) level = 'debug';
    if (!this.logger.isLevelEnabled(level)) return;

    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    const stack = rest.find((p): p is string => typeof p === 'string' && /\n\s+at /.test(p));
    if (message instanceof Error) {
      fields['err'] = message;
      this.logger[level](fields, message.message);
    } else if (typeof message === 'string') {
      // A stack given as the message (`logger.error(error.stack)`): its first line is the message.
      const newline = message.search(/\n\s+at /);
      if (stack !== undefined) fields['stack'] = stack;
      else if (newline > 0) fields['stack'] = message;
      this.logger[level](fields, newline > 0 ? message.slice(0, newline) : message);
    } else {
      fields['detail'] = message;
      this.logger[level](fields);
    }
  }
}
