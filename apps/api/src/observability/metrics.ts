import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: from a cached read (a millisecond) to a query that waited for the read models (READ_WAIT_MS). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Appends in one transaction: one alone, up to the store's cap of 1000. */
const GROUP_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, event loop, handles...): one set per process, however many apps it
 * runs (the tests start several), shown beside each app's.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The service's Prometheus metrics, one registry per app instance. What changes as it happens (requests,
 * commands, appends, refusals) is counted where it happens; what is a state (projection checkpoints and lag,
 * open streams) is read at scrape time by the collectors registered with `beforeScrape`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly collectors: Array<() => Promise<void> | void> = [];

  /** Every answered request, by method, route pattern (never the raw URL) and status. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its response being sent, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly httpRequestsAborted = new Counter({
    name: 'http_requests_aborted_total',
    help: 'Requests whose client went away before the response was complete, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    registers: [this.registry],
  });

  /**
   * Commands run, by aggregate, command type, outcome (success, refused, error) and, for refusals, the class of
   * the rule that refused them: not_found, conflict, invalid (the domain's), precondition (If-Match),
   * idempotency (a key reused), contention (kept losing races).
   */
  readonly commands = new Counter({
    name: 'sales_commands_total',
    help: 'Commands run, by aggregate, command type, outcome and, for refusals, the class of the refusal',
    labelNames: ['aggregate', 'type', 'outcome', 'code_class'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'sales_event_store_append_duration_seconds',
    help: 'Time from an append being requested to its transaction being durable (embedded store)',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly groupCommitSize = new Histogram({
    name: 'sales_event_store_group_commit_size',
    help: 'Appends written in one transaction by group commit (embedded store)',
    buckets: GROUP_SIZE_BUCKETS,
    registers: [this.registry],
  });

  readonly failedCommits = new Counter({
    name: 'sales_event_store_failed_transactions_total',
    help: 'Write transactions that failed, failing every append they held (embedded store)',
    registers: [this.registry],
  });

  /**
   * Requests refused by a rate limit: `rateLimited.inc({ limit: 'requests' })` where a limit refuses one (the
   * label names which limit).
   */
  readonly rateLimited = new Counter({
    name: 'sales_rate_limited_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly eventStoreHead = new Gauge({
    name: 'sales_event_store_head_position',
    help: 'The position of the last event in the log',
    registers: [this.registry],
  });

  readonly projectionCheckpoint = new Gauge({
    name: 'sales_projection_checkpoint_position',
    help: 'The log position each projection has read up to',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  readonly projectionLag = new Gauge({
    name: 'sales_projection_lag_events',
    help: 'Events in the log that each projection has not read yet (stores with gapless positions)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  /** Only while the automation runs (AUTO_CREATE_DEALS): `automation="lead-to-deal"`. */
  readonly automationCheckpoint = new Gauge({
    name: 'sales_automation_checkpoint_position',
    help: 'The log position the lead-to-deal automation has handled up to, while it runs',
    labelNames: ['automation'] as const,
    registers: [this.registry],
  });

  readonly automationLag = new Gauge({
    name: 'sales_automation_lag_events',
    help: 'Events in the log the lead-to-deal automation has not handled yet, while it runs',
    labelNames: ['automation'] as const,
    registers: [this.registry],
  });

  readonly eventStreamsOpen = new Gauge({
    name: 'sales_event_streams_open',
    help: 'Server-Sent Events streams of GET /events open now',
    registers: [this.registry],
  });

  /** Runs before every scrape, to set the gauges of states read then. */
  beforeScrape(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition: this app's metrics and the process's. */
  async scrape(): Promise<string> {
    for (const collect of this.collectors) await collect();
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
