import { APP_CONFIG, type AppConfig } from '@app/application';
import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-models';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LivenessView, ReadinessView } from './health.views';
import { Public } from '../access/access-policy';
import { ProblemException, problemType } from '../http/problem';
import { type ConsumerLag, ReadSideLagMeter } from '../observability/read-side-lag';

type Check = { readonly status: 'up' } | { readonly status: 'down'; readonly message: string };

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', message: describe(error) };
  }
}

/** A consumer's lag as the answer shows it: positions as strings, as everywhere in the API. */
const shown = ({ checkpoint, lag }: ConsumerLag) => ({ checkpoint: checkpoint.toString(), lag });

/**
 * Probes for an orchestrator: liveness (the process answers) and readiness (it can serve what it is asked,
 * with read models that are not far behind the log). GET /health keeps its fuller report.
 */
@ApiTags('health')
@Controller('health')
export class ProbesController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly lag: ReadSideLagMeter,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: 200 while the process answers',
    description: 'Touches no store: a store that is down makes the service unready, not dead.',
  })
  @ApiOkResponse({ type: LivenessView, description: 'The process is up' })
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: 200 when the stores answer and the read models are caught up',
    description:
      'Caught up: every projection, and the lead-to-deal automation when it runs, is at most READY_MAX_LAG ' +
      'events behind the log (default 1000). Otherwise 503 problem+json with Retry-After, and in `health` ' +
      'what is down or behind.',
  })
  @ApiOkResponse({ type: ReadinessView, description: 'Ready' })
  @ApiResponse({
    status: 503,
    description: 'A store does not answer, or the read models are too far behind',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  async ready() {
    const maxLag = this.config.readyMaxLag;
    const [eventStore, readModels] = await Promise.all([
      check(() => this.store.ping()),
      check(() => this.readStore.ping()),
    ]);
    if (eventStore.status === 'down' || readModels.status === 'down') {
      const down = Object.entries({ eventStore, readModels }).filter(([, c]) => c.status === 'down');
      throw notReady(`down: ${down.map(([name]) => name).join(', ')}`, { eventStore, readModels });
    }

    let measured;
    try {
      // Where positions have gaps, counting one more event than the bound is enough to judge it.
      measured = await this.lag.measure(maxLag + 1);
    } catch (error) {
      throw notReady(`the read models' progress cannot be read: ${describe(error)}`, {
        eventStore,
        readModels: { status: 'down', message: describe(error) },
      });
    }
    const projections = measured.projections.map((p) => ({ name: p.name, ...shown(p) }));
    const automation = measured.automation === undefined ? undefined : shown(measured.automation);
    const behind = [
      ...projections.map((p) => ({ name: `projection ${p.name}`, lag: p.lag })),
      ...(automation ? [{ name: 'the automation', lag: automation.lag }] : []),
    ].filter((c) => c.lag !== null && c.lag > maxLag);
    const report = {
      head: measured.head.toString(),
      maxLag,
      projections,
      ...(automation ? { automation } : {}),
    };
    if (behind.length > 0) {
      throw notReady(
        `behind the log by more than ${maxLag} events: ${behind.map((c) => `${c.name} (${c.lag})`).join(', ')}`,
        report,
      );
    }
    return { status: 'ready', ...report };
  }
}

function notReady(detail: string, health: unknown): ProblemException {
  return new ProblemException({
    type: problemType('not-ready'),
    title: 'Unavailable for now',
    status: 503,
    detail,
    code: 'NOT_READY',
    health,
  });
}
