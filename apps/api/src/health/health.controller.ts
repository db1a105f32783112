import { EventStore } from '@app/event-store';
import { CheckpointedConsumer, ProjectionRunner, ReadStore } from '@app/read-models';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DEAL_AUTOMATION_CONSUMER } from '../read-side/read-side.module';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly runner: ProjectionRunner,
    @Inject(DEAL_AUTOMATION_CONSUMER) private readonly automation: CheckpointedConsumer | null,
  ) {}

  /**
   * 200 when the service can serve commands and queries, 503 (with what is down) otherwise. Projection lag
   * (head position minus each projection's checkpoint) is reported, not judged: a rebuild lags by design.
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          await this.store.ping();
          return indicator.up({ head: (await this.store.headPosition()).toString() });
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      async () => {
        const indicator = this.indicators.check('readModels');
        try {
          await this.readStore.ping();
          const head = await this.store.headPosition();
          const lagOf = (checkpoint: bigint) => Number(head - checkpoint);
          return indicator.up({
            projections: this.runner.status().map((p) => ({
              name: p.name,
              version: p.version,
              checkpoint: p.checkpoint.toString(),
              lag: lagOf(p.checkpoint),
            })),
            ...(this.automation
              ? {
                  automation: {
                    checkpoint: this.automation.checkpoint().toString(),
                    lag: lagOf(this.automation.checkpoint()),
                  },
                }
              : {}),
          });
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
    ]);
  }
}
