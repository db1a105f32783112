import { CommandObserver, SEALED_EVENTS } from '@app/application';
import { EventStore, SqliteEventStore, type Unsubscribe } from '@app/event-store';
import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventsService } from '../events/events.service';
import { CommandMetrics } from './command-metrics';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ReadSideLagMeter } from './read-side-lag';

/**
 * Connects the metrics to what they watch: the embedded store's group commits as they happen, and at scrape
 * time the log head, the read side's checkpoints and lag, and the open event streams.
 */
@Injectable()
class MetricsWiring implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Metrics');
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly metrics: Metrics,
    @Inject(SEALED_EVENTS) private readonly store: EventStore,
    private readonly lag: ReadSideLagMeter,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const { metrics } = this;
    if (this.store instanceof SqliteEventStore) {
      this.unsubscribe = this.store.onCommitted((commit) => {
        if (!commit.committed) metrics.failedCommits.inc();
        else metrics.groupCommitSize.observe(commit.appends);
        for (const ms of commit.latenciesMs) metrics.appendDuration.observe(ms / 1000);
      });
    }
    metrics.beforeScrape(() => this.readSide());
    metrics.beforeScrape(() => this.eventStreams());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private async readSide(): Promise<void> {
    const { metrics } = this;
    metrics.projectionCheckpoint.reset();
    metrics.projectionLag.reset();
    metrics.automationCheckpoint.reset();
    metrics.automationLag.reset();
    try {
      const measured = await this.lag.measure();
      metrics.eventStoreHead.set(Number(measured.head));
      for (const p of measured.projections) {
        metrics.projectionCheckpoint.set({ projection: p.name }, Number(p.checkpoint));
        if (p.lag !== null) metrics.projectionLag.set({ projection: p.name }, p.lag);
      }
      if (measured.automation) {
        const automation = { automation: 'lead-to-deal' };
        metrics.automationCheckpoint.set(automation, Number(measured.automation.checkpoint));
        if (measured.automation.lag !== null) metrics.automationLag.set(automation, measured.automation.lag);
      }
    } catch (error) {
      // The scrape goes on with the rest; the read side's series are left out until it can be read again.
      this.logger.warn(
        `the read side's progress cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private eventStreams(): void {
    let events: EventsService | undefined;
    try {
      events = this.moduleRef.get(EventsService, { strict: false });
    } catch {
      events = undefined;
    }
    if (events) this.metrics.eventStreamsOpen.set(events.openStreams());
  }
}

/**
 * Metrics for every module of the app (`Metrics`: a module that refuses a request for a rate limit counts it
 * with `metrics.rateLimited.inc()`), the command observer the executor reports to, GET /metrics, and the read
 * side's lag for the readiness probe.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    Metrics,
    CommandMetrics,
    { provide: CommandObserver, useExisting: CommandMetrics },
    ReadSideLagMeter,
    MetricsWiring,
  ],
  exports: [Metrics, CommandObserver, ReadSideLagMeter],
})
export class ObservabilityModule {}
