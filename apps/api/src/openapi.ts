import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type HeaderObject,
  type OpenAPIObject,
  type OperationObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { SLUG_PATTERN } from '@app/domain';
import { isPublicPath } from './access/authentication';
import { PROBLEM_CODES } from './http/problem-codes';

/** Serves the OpenAPI document at /openapi.json and a page that renders it at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
  });
}

/**
 * The OpenAPI 3.1 document of the application: what the controllers' decorators say, completed with what
 * every operation shares (the answers of the authentication, the rate limit and the availability of the
 * stores, the headers every answer carries) so that no route has to repeat it and none can forget it.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Sales pipeline')
    .setDescription(
      'An event-sourced sales pipeline: capture and qualify leads, turn them into deals, move deals through the ' +
        'pipeline to won or lost. Every change is a durable event. Errors are application/problem+json ' +
        '(RFC 9457) with a stable `code`. Every answer carries X-Correlation-Id; command answers and views ' +
        'carry the aggregate revision as ETag, for If-Match.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The service this document is served by')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key: Authorization: Bearer <key>. Issued by an admin (POST /admin/keys); the first start ' +
          'writes an admin key to DATA_DIR/admin-api-key, or ADMIN_API_KEY names one.',
      },
      'apiKey',
    )
    .addSecurityRequirements('apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  complete(document);
  return document;
}

const schemaRef = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'An RFC 9457 problem details document: every error of the API',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      description: 'A URI naming the kind of problem',
      example: 'urn:sales-pipeline:problem:lead-not-found',
    },
    title: { type: 'string', description: 'A short summary of the kind of problem' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status' },
    detail: { type: 'string', description: 'What went wrong with this request' },
    code: {
      type: 'string',
      enum: [...PROBLEM_CODES],
      description:
        'A stable code for programs: the rule that refused a command (LEAD_ALREADY_QUALIFIED...), or what the ' +
        'HTTP layer refused (VALIDATION_FAILED, UNAUTHENTICATED, ROLE_REQUIRED, REVISION_MISMATCH...)',
    },
    errors: {
      type: 'array',
      description: 'With VALIDATION_FAILED (and some rules): each field at fault',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: {
          field: {
            type: 'string',
            description: 'A body field (budget.amount), a path or query parameter, or a header',
          },
          reason: { type: 'string' },
        },
      },
    },
    health: {
      description: 'GET /health and /health/ready when unavailable: each check and its state',
    },
  },
};

const HEADERS: Record<string, HeaderObject> = {
  CorrelationId: {
    required: true,
    description: 'The request X-Correlation-Id echoed, or the one generated for it',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
  ETag: {
    required: true,
    description: 'The revision of the aggregate, quoted ("3"): send it as If-Match to write only on it',
    schema: { type: 'string', pattern: '^"-?\\d+"$', example: '"3"' },
  },
  RetryAfter: {
    required: true,
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0, example: 1 },
  },
  WWWAuthenticate: {
    required: true,
    description: 'Bearer, with error="invalid_token" when a key was sent but is not valid',
    schema: { type: 'string', example: 'Bearer realm="sales-pipeline"' },
  },
};

const problem = (description: string): ResponseObject => ({
  description,
  content: { 'application/problem+json': { schema: schemaRef('Problem') } },
});

/** Path parameters by name: ids of leads, deals and keys are UUIDs; pipelines and stages are slugs. */
const PATH_PARAMETERS: Record<string, SchemaObject> = {
  leadId: { type: 'string', format: 'uuid' },
  dealId: { type: 'string', format: 'uuid' },
  keyId: { type: 'string', format: 'uuid' },
  activityId: { type: 'string', format: 'uuid' },
  pipelineId: { type: 'string', pattern: SLUG_PATTERN.source, maxLength: 50, example: 'default' },
  stage: { type: 'string', pattern: SLUG_PATTERN.source, maxLength: 50, example: 'demo' },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function complete(document: OpenAPIObject): void {
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, Problem: PROBLEM_SCHEMA };
  components.headers = { ...components.headers, ...HEADERS };
  components.parameters = {
    ...components.parameters,
    CorrelationId: {
      name: 'X-Correlation-Id',
      in: 'header',
      required: false,
      description:
        'Stored as the correlation id of the events a command writes, and echoed in the answer (one is ' +
        'generated without it); 1 to 200 printable ASCII characters',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    },
  };

  document.paths['/openapi.json'] = {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI document',
      tags: ['documentation'],
      responses: {
        '200': {
          description: 'The OpenAPI 3.1 document of the API',
          content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
        },
      },
    },
  };
  document.paths['/docs'] = {
    get: {
      operationId: 'getDocumentationPage',
      summary: 'A page that renders this document',
      tags: ['documentation'],
      responses: {
        '200': { description: 'Swagger UI', content: { 'text/html': { schema: { type: 'string' } } } },
      },
    },
  };

  document.paths['/'] = {
    get: {
      operationId: 'getDashboardPage',
      summary: 'The dashboard: the pipeline board, the funnel, deal and lead pages, time travel',
      description:
        'A page for people: it asks for an API key, keeps it for the browser tab only and shows what the ' +
        "key's roles allow. Its files are served under /assets/. 503 until it is built (npm run build:web).",
      tags: ['documentation'],
      responses: {
        '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } },
        '503': problem('The page is not built: run npm run build:web'),
      },
    },
  };

  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) completeOperation(document, path, operation);
    }
  }
  document.tags = [
    { name: 'leads', description: 'Capture, qualify, disqualify and correct leads; read them' },
    {
      name: 'deals',
      description: 'Deals of qualified leads through the stages of a pipeline to won or lost',
    },
    { name: 'pipelines', description: 'Pipelines and their stages, as configuration in the log' },
    {
      name: 'interactions',
      description: 'Notes and follow-up activities on leads and deals, and the follow-up list',
    },
    {
      name: 'scoring',
      description: 'Lead scoring: the rule set, as configuration in the log, and each score explained',
    },
    { name: 'analytics', description: 'Reports: pipeline, funnel, stages, forecast and losses' },
    { name: 'audit', description: 'The tamper-evidence of the event log' },
    { name: 'events', description: 'The event log for services: a Server-Sent Events stream or pages' },
    { name: 'admin', description: 'API keys' },
    { name: 'metrics', description: 'Prometheus metrics' },
    { name: 'health', description: 'Liveness and readiness, for orchestrators (no key)' },
    { name: 'documentation', description: 'This document and the dashboard page (no key)' },
  ].filter((tag) => usesTag(document, tag.name));
}

function completeOperation(document: OpenAPIObject, path: string, operation: OperationObject): void {
  const isPublic = isPublicPath(path);
  const isDocumentation = path === '/openapi.json' || path === '/docs';
  if (isPublic) operation.security = [];

  const parameters = (operation.parameters ?? []).filter(
    (p) => !('name' in p && p.in === 'header' && p.name.toLowerCase() === 'x-correlation-id'),
  );
  for (const parameter of parameters) {
    if ('in' in parameter && parameter.in === 'path' && PATH_PARAMETERS[parameter.name]) {
      parameter.schema = { ...PATH_PARAMETERS[parameter.name] };
    }
  }
  operation.parameters = [...parameters, { $ref: '#/components/parameters/CorrelationId' }];

  const responses = operation.responses as Record<string, ResponseObject>;
  responses['400'] ??= problem('A malformed URL or X-Correlation-Id header');
  if (!isPublic) {
    responses['401'] ??= problem('No API key, or one that is unknown or revoked');
    responses['403'] ??= problem(
      'The key holds none of the roles this route needs (ROLE_REQUIRED names them)',
    );
  }
  // The rate limits (edge/rate-limits.ts) count every request but the health probes'.
  if (!path.startsWith('/health')) {
    responses['429'] ??= problem(
      'Too many requests from this client address or API key (RATE_LIMITED): retry after Retry-After seconds',
    );
  }
  // What the edge answers before a route runs (apps/api/src/edge): an over-long path parameter, a body that
  // stalled past REQUEST_TIMEOUT_MS (the connection is then closed).
  if (path.includes('{')) {
    responses['414'] ??= problem('A path parameter longer than any id or name (FST_ERR_MAX_PARAM_LENGTH)');
  }
  if (operation.requestBody) {
    responses['408'] ??= problem('The body did not arrive within REQUEST_TIMEOUT_MS (REQUEST_TIMEOUT)');
  }
  responses['500'] ??= problem('The server failed to answer (INTERNAL): nothing was acknowledged');
  if (!isDocumentation && path !== '/health/live') {
    responses['503'] ??= problem(
      'Unavailable for now: a store does not answer, or the read models did not reach minPosition in time ' +
        '(MIN_POSITION_NOT_REACHED); retry after Retry-After seconds',
    );
  }

  for (const [status, response] of Object.entries(responses)) {
    const headers: Record<string, HeaderObject | ReferenceObject> = { ...response.headers };
    headers['X-Correlation-Id'] = headerRef('CorrelationId');
    if (status === '401') headers['WWW-Authenticate'] = headerRef('WWWAuthenticate');
    if (status === '429' || status === '503') headers['Retry-After'] = headerRef('RetryAfter');
    if (status.startsWith('2') && carriesRevision(document, response)) headers['ETag'] = headerRef('ETag');
    response.headers = headers;
  }
}

/**
 * Whether a success answer holds the aggregate's revision at its top level, which the ETag hook (http/etag.ts)
 * sends as ETag.
 */
function carriesRevision(document: OpenAPIObject, response: ResponseObject): boolean {
  const schema = response.content?.['application/json']?.schema;
  const name = schema && '$ref' in schema ? schema.$ref.replace('#/components/schemas/', '') : undefined;
  const target = name === undefined ? schema : document.components?.schemas?.[name];
  if (!target || '$ref' in target) return false;
  const revision = target.properties?.['revision'];
  return (
    target.required?.includes('revision') === true &&
    revision !== undefined &&
    !('$ref' in revision) &&
    revision.type === 'integer'
  );
}

const usesTag = (document: OpenAPIObject, tag: string): boolean =>
  Object.values(document.paths).some((item) =>
    METHODS.some((method) => item[method]?.tags?.includes(tag) === true),
  );
