import { EventStore } from '@app/event-store';
import {
  AsOfSnapshots,
  CheckpointedConsumer,
  type Projection,
  ProjectionRunner,
  ReadStore,
  SnapshotKeeper,
  keptForAsOf,
} from '@app/read-models';
import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DealAutomation } from '../automation/deal-automation';
import { CommandsModule } from '../commands/commands.module';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { SEALED_EVENTS, SERVICE_PROJECTIONS } from '../storage/storage.module';
import { inCurrentSchema } from '../storage/stores';
import { AsOfFolder } from './as-of';
import { openAsOfSnapshots } from './as-of-snapshots';
import { ProjectionThread, projectionThreadScript } from './projection-thread';
import { InProcessProgress, ProjectionProgress, StoredProgress } from './projection-progress';

export const DEAL_AUTOMATION_CONSUMER = Symbol('DealAutomationConsumer');

/**
 * Starts the projections, the automation and the keeper of as-of snapshots after the process is up (when
 * RUN_PROJECTIONS allows): on a worker thread when the built service runs (PROJECTION_THREAD), otherwise on
 * this thread. Stops them before the stores close, and closes the snapshots after.
 */
@Injectable()
class ReadSideLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private thread: ProjectionThread | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventStore,
    private readonly runner: ProjectionRunner,
    @Inject(DEAL_AUTOMATION_CONSUMER) private readonly automation: CheckpointedConsumer | null,
    private readonly keeper: SnapshotKeeper,
    private readonly snapshots: AsOfSnapshots,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runProjections) return;
    const script = projectionThreadScript(this.config);
    if (script) {
      this.thread = new ProjectionThread(script, this.config, this.events, logger);
      await this.thread.start();
      logger.log('projections and the automation run on a worker thread');
      return;
    }
    await this.runner.start();
    await this.automation?.start();
    await this.keeper.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.thread) {
      await this.thread.stop();
      logger.log('the projection thread has stopped');
    }
    await this.keeper.stop();
    await this.automation?.stop();
    await this.runner.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.snapshots.close();
  }
}

const logger = new Logger('ReadSide');
const logError = (what: string) => (error: unknown) =>
  logger.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

/** The read side: projections, the lead-to-deal automation, their progress, and as-of snapshots and folding. */
@Global()
@Module({
  imports: [CommandsModule],
  providers: [
    {
      provide: ProjectionRunner,
      inject: [APP_CONFIG, EventStore, ReadStore, SERVICE_PROJECTIONS],
      useFactory: (
        config: AppConfig,
        events: EventStore,
        store: ReadStore,
        projections: readonly Projection[],
      ) =>
        new ProjectionRunner(events, store, projections, {
          pollIntervalMs: config.pollIntervalMs,
          lingerMs: 5,
          // Measured on 2 cores with 50 connections capturing: 3.9k -> 4.7k captures/s.
          busyLingerMs: 50,
          onError: logError('projections'),
          scrubsAfter: (event) => event.type === 'LeadErased',
        }),
    },
    DealAutomation,
    {
      provide: DEAL_AUTOMATION_CONSUMER,
      inject: [APP_CONFIG, EventStore, ReadStore, DealAutomation],
      useFactory: (config: AppConfig, events: EventStore, store: ReadStore, automation: DealAutomation) =>
        config.autoCreateDeals
          ? new CheckpointedConsumer(events, store, automation, {
              pollIntervalMs: config.pollIntervalMs,
              onError: logError('deal automation'),
            })
          : null,
    },
    {
      provide: ProjectionProgress,
      inject: [
        APP_CONFIG,
        ProjectionRunner,
        DEAL_AUTOMATION_CONSUMER,
        ReadStore,
        DealAutomation,
        SERVICE_PROJECTIONS,
      ],
      useFactory: (
        config: AppConfig,
        runner: ProjectionRunner,
        automation: CheckpointedConsumer | null,
        store: ReadStore,
        handler: DealAutomation,
        projections: readonly Projection[],
      ): ProjectionProgress => {
        if (config.runProjections && !projectionThreadScript(config)) {
          return new InProcessProgress(runner, automation);
        }
        // A projector process or this process's projection thread writes the checkpoints: read them from the
        // store, and often while a query waits when the thread is in this process.
        return new StoredProgress(
          store,
          projections,
          config.autoCreateDeals ? handler.name : null,
          config.runProjections ? 10 : config.pollIntervalMs,
        );
      },
    },
    {
      provide: AsOfSnapshots,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openAsOfSnapshots(config),
    },
    {
      provide: SnapshotKeeper,
      inject: [APP_CONFIG, SEALED_EVENTS, AsOfSnapshots, SERVICE_PROJECTIONS],
      useFactory: (
        config: AppConfig,
        sealed: EventStore,
        snapshots: AsOfSnapshots,
        projections: readonly Projection[],
      ) =>
        // Over the sealed log, as AsOfFolder folds these projections: they read no personal data.
        new SnapshotKeeper(inCurrentSchema(sealed), snapshots, keptForAsOf(projections), {
          every: config.asOfSnapshotEvery,
          pollIntervalMs: config.pollIntervalMs,
          onError: logError('as-of snapshots'),
        }),
    },
    ReadSideLifecycle,
    AsOfFolder,
  ],
  exports: [ProjectionRunner, ProjectionProgress, AsOfFolder, AsOfSnapshots, SnapshotKeeper],
})
export class ReadSideModule {}
