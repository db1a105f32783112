import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../apps/api/src/openapi';

/**
 * The OpenAPI document as a contract the tests check for free: every answer the application gives while a test
 * runs is checked against the operation the document describes for it (its status, its headers, its content
 * type and its body, validated as JSON Schema 2020-12, which OpenAPI 3.1 schemas are). Streams
 * (text/event-stream) are checked for their status and content type only.
 *
 * The check is stricter than the document reads in one way: an object schema that lists its properties
 * accepts no others (`unevaluatedProperties: false`), so that a field the service sends and the document does
 * not name is a violation rather than a silent gap.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface HeaderObject {
  readonly required?: boolean;
  readonly $ref?: string;
}
interface MediaTypeObject {
  readonly schema?: JsonObject;
}
interface ResponseObject {
  readonly headers?: Record<string, HeaderObject>;
  readonly content?: Record<string, MediaTypeObject>;
}
interface OperationObject {
  readonly responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components?: {
    readonly schemas?: Record<string, JsonObject>;
    readonly headers?: Record<string, HeaderObject>;
  };
}

/** One answer as the server sent it. */
export interface Answer {
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly url: string;
  readonly status: number;
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as sent; undefined for a stream. */
  readonly body: Buffer | undefined;
}

/**
 * The headers of the contract: each one the service sends must be declared for the answer it is sent with,
 * and each one declared `required` must be sent. Other headers (Content-Length, Date, ...) are HTTP's.
 */
const CONTRACT_HEADERS =
  /^(?:etag|location|retry-after|x-correlation-id|www-authenticate|(?:x-)?ratelimit-.*)$/;
const SCHEMA_ID = 'https://openapi.invalid/document.json';
const STREAM = 'text/event-stream';

interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly parameters: number;
  readonly operation: OperationObject;
}

/** Checks answers against one document. */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly components: Record<string, HeaderObject>;

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    const schemas = exact(absoluteRefs(document.components?.schemas ?? {}) as Record<string, Json>);
    this.ajv.addSchema({ $id: SCHEMA_ID, $defs: schemas });
    this.components = document.components?.headers ?? {};
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.entries(item)
          .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
          .map(([method, operation]) => ({
            method,
            template,
            parameters: (template.match(/\{/g) ?? []).length,
            pattern: new RegExp(
              `^${template
                .split(/(\{[^}]+\})/)
                .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
                .join('')}$`,
            ),
            operation,
          })),
      )
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** What is wrong with the answer, as sentences naming the operation; none when it keeps the contract. */
  check(answer: Answer): string[] {
    const path = answer.url.split('?', 1)[0] ?? answer.url;
    const method = answer.method.toLowerCase();
    const route = this.routes.find(
      (r) => r.method === (method === 'head' ? 'get' : method) && r.pattern.test(path),
    );
    const mediaType = answer.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    const problems: string[] = [];

    if (!route) {
      // Not an operation of the document (an unknown path or method, the pages of /docs): a problem document
      // is still one.
      if (mediaType === 'application/problem+json' && answer.body) {
        const found = this.validate('Problem', { $ref: `${SCHEMA_ID}#/$defs/Problem` }, answer.body);
        problems.push(...found.map((p) => `a ${answer.status} problem document: ${p}`));
      }
      return problems;
    }

    const operation = `${route.method.toUpperCase()} ${route.template}`;
    const response =
      route.operation.responses[String(answer.status)] ??
      route.operation.responses[`${String(answer.status)[0]}XX`] ??
      route.operation.responses['default'];
    if (!response) {
      return [`${operation} does not declare status ${answer.status}${describe(answer)}`];
    }

    const declaredHeaders = new Map(
      Object.entries(response.headers ?? {}).map(([name, header]) => [
        name.toLowerCase(),
        this.header(header),
      ]),
    );
    for (const name of Object.keys(answer.headers)) {
      if (CONTRACT_HEADERS.test(name) && !declaredHeaders.has(name)) {
        problems.push(`${operation} ${answer.status} does not declare the header ${name} it is sent with`);
      }
    }
    for (const [name, header] of declaredHeaders) {
      if (header.required && answer.headers[name] === undefined) {
        problems.push(`${operation} ${answer.status} declares the required header ${name}, not sent`);
      }
    }

    const content = response.content ?? {};
    const declaredTypes = Object.keys(content);
    const empty = answer.body !== undefined && answer.body.length === 0;
    if (mediaType === undefined && empty) {
      if (declaredTypes.length > 0 && method !== 'head') {
        problems.push(
          `${operation} ${answer.status} declares ${declaredTypes.join(', ')}, the answer has no body`,
        );
      }
    } else if (mediaType === undefined || !(mediaType in content)) {
      problems.push(
        `${operation} ${answer.status} is sent as ${mediaType ?? 'no content type'}, the document declares ` +
          `${declaredTypes.length > 0 ? declaredTypes.join(', ') : 'no content'}`,
      );
    } else if (answer.body !== undefined && method !== 'head' && isJson(mediaType)) {
      const schema = content[mediaType]?.schema;
      if (schema) {
        const key = `${operation} ${answer.status} ${mediaType}`;
        problems.push(
          ...this.validate(key, absoluteRefs(schema) as JsonObject, answer.body).map((p) => `${key}: ${p}`),
        );
      } else {
        problems.push(`${operation} ${answer.status} declares ${mediaType} without a schema`);
      }
    }
    return problems;
  }

  private header(header: HeaderObject): HeaderObject {
    const ref = header.$ref?.replace(/^#\/components\/headers\//, '');
    return ref === undefined ? header : (this.components[ref] ?? header);
  }

  private validate(key: string, schema: JsonObject, body: Buffer): string[] {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return ['the body is not JSON'];
    }
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(exact(schema));
      this.validators.set(key, validator);
    }
    if (validator(value)) return [];
    return [
      `the body does not match the schema: ${formatErrors(validator.errors ?? [])}; body: ${clip(body.toString('utf8'))}`,
    ];
  }
}

const isJson = (mediaType: string): boolean =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

function describe(answer: Answer): string {
  if (!answer.body || answer.body.length === 0) return '';
  return ` (body: ${clip(answer.body.toString('utf8'))})`;
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

function formatErrors(errors: readonly ErrorObject[]): string {
  const messages = [
    ...new Set(
      errors.map((e) => {
        const extra =
          e.keyword === 'unevaluatedProperties'
            ? ` (${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)})`
            : e.keyword === 'enum'
              ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
              : '';
        return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
      }),
    ),
  ];
  return messages.slice(0, 6).join('; ') + (messages.length > 6 ? `; and ${messages.length - 6} more` : '');
}

/** `#/components/schemas/X` as a reference into the schemas added under SCHEMA_ID. */
function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace(/^#\/components\/schemas\//, `${SCHEMA_ID}#/$defs/`)]
        : [key, absoluteRefs(value)],
    ),
  );
}

/**
 * The schemas with every object that lists its properties closed to others. Values under `properties` are
 * schemas by name, `example`s are data: both are walked accordingly.
 */
function exact<T extends Json>(node: T): T {
  if (Array.isArray(node)) return node.map(exact) as T;
  if (node === null || typeof node !== 'object') return node;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default') {
      copy[key] = value;
    } else if ((key === 'properties' || key === '$defs') && value !== null && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, exact(schema)]));
    } else {
      copy[key] = exact(value);
    }
  }
  if (
    copy['properties'] !== undefined &&
    copy['additionalProperties'] === undefined &&
    copy['unevaluatedProperties'] === undefined
  ) {
    copy['unevaluatedProperties'] = false;
  }
  return copy as T;
}

const checkers = new Map<string, ContractChecker>();

/** Every answer an application gives, checked as it is sent; the violations found. */
export interface ContractRecorder {
  readonly violations: () => readonly string[];
  /** Throws, listing them, if any answer broke the contract. */
  readonly assertKept: () => void;
}

/**
 * Checks every answer the application's HTTP server sends against the OpenAPI document it serves. It listens
 * on the server itself (before Fastify), so answers to supertest, to fetch and to EventSource are all seen.
 */
export function recordContract(app: NestFastifyApplication): ContractRecorder {
  // The document as GET /openapi.json serves it, built again rather than requested: a request would count
  // in the rate limits and the metrics the tests look at.
  const document = JSON.stringify(buildOpenApiDocument(app));
  let checker = checkers.get(document);
  if (!checker) {
    checker = new ContractChecker(JSON.parse(document) as OpenApiDocument);
    checkers.set(document, checker);
  }
  /** Each violation once, with the first request that showed it and how often it was seen. */
  const violations = new Map<string, { readonly request: string; count: number }>();
  const server: Server = app.getHttpServer();
  const seen = checker;
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
    observe(request, response, (answer) => {
      for (const violation of seen.check(answer)) {
        const known = violations.get(violation);
        if (known) known.count += 1;
        else
          violations.set(violation, {
            request: `${answer.method} ${answer.url} -> ${answer.status}`,
            count: 1,
          });
      }
    }),
  );
  return {
    violations: () => [...violations.keys()],
    assertKept: () => {
      if (violations.size === 0) return;
      throw new Error(
        `answers that break the OpenAPI document (${violations.size}):\n` +
          [...violations]
            .map(([v, { request, count }]) => `- ${v}\n    seen ${count}x, first: ${request}`)
            .join('\n'),
      );
    },
  };
}

/** Captures an answer's status, headers and body as Node sends them, and hands it over once sent. */
function observe(request: IncomingMessage, response: ServerResponse, done: (answer: Answer) => void): void {
  const chunks: Buffer[] = [];
  let streaming = false;
  let reported = false;
  let written: OutgoingHttpHeaders = {};
  const report = (body: Buffer | undefined) => {
    if (reported) return;
    reported = true;
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries({ ...response.getHeaders(), ...written })) {
      if (value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    done({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      status: response.statusCode,
      headers,
      body,
    });
  };

  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
  response.writeHead = (...args: unknown[]) => {
    const headers = args.find(
      (arg, i) => i > 0 && typeof arg === 'object' && arg !== null && !Array.isArray(arg),
    );
    if (headers) {
      written = Object.fromEntries(
        Object.entries(headers as OutgoingHttpHeaders).map(([name, value]) => [name.toLowerCase(), value]),
      );
    }
    const result = writeHead(...args);
    const type = String(written['content-type'] ?? response.getHeader('content-type') ?? '');
    if (type.toLowerCase().startsWith(STREAM)) {
      streaming = true;
      report(undefined);
    }
    return result;
  };

  const keep = (chunk: unknown, encoding: unknown) => {
    if (streaming || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk)
          : typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
            : Buffer.from(JSON.stringify(chunk)),
    );
  };
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  response.write = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  }) as typeof response.write;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return end(...args);
  }) as typeof response.end;

  response.on('finish', () => report(streaming ? undefined : Buffer.concat(chunks)));
}
