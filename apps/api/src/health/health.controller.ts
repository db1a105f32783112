import { ProjectionProgress } from '@app/application';
import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-models';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthReportView } from './health.views';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../access/access-policy';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly progress: ProjectionProgress,
  ) {}

  /**
   * 200 when the service can serve commands and queries, 503 (with what is down) otherwise. Projection lag
   * is reported, not judged (a rebuild lags by design): `lag` counts events where positions are gapless
   * (the embedded store), and `caughtUp` says whether a checkpoint has reached the head. A projection whose
   * new version is built beside its documents shows that build's progress in `rebuilding`.
   */
  @Get()
  @ApiOperation({
    operationId: 'getHealth',
    summary: "Health: the stores, and each projection's progress behind the log",
    description:
      '200 when the stores answer; 503 problem+json, with every check in `health`, when one does not',
  })
  @ApiOkResponse({ type: HealthReportView, description: 'Both stores answer' })
  @ApiResponse({
    status: 503,
    description: 'A store does not answer: `health` holds every check and what failed',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  @Public()
  // Documented by the decorators above: terminus's own OpenAPI description is of another shape.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
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
          const status = await this.progress.status();
          const behind = (checkpoint: bigint) => ({
            checkpoint: checkpoint.toString(),
            lag: this.store.gaplessPositions ? Number(head - checkpoint) : null,
            caughtUp: checkpoint >= head,
          });
          return indicator.up({
            projections: status.projections.map((p) => ({
              name: p.name,
              version: p.version,
              ...behind(p.checkpoint),
              ...(p.rebuilding
                ? { rebuilding: { version: p.rebuilding.version, ...behind(p.rebuilding.checkpoint) } }
                : {}),
            })),
            ...(status.automation === undefined ? {} : { automation: behind(status.automation) }),
          });
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
    ]);
  }
}
