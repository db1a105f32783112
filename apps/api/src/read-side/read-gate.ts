import { APP_CONFIG, type AppConfig, ProjectionProgress } from '@app/application';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { ProblemException, problemType } from '../http/problem';

/**
 * Read-your-writes: a query with minPosition answers only once the read models have processed it. While a
 * projection's new version is built beside its documents, those documents stay at the checkpoint they were
 * frozen at, and a position after it is not reached until the new version is swapped in: the query waits
 * (503 after READ_WAIT_MS) rather than answer without the write. Queries without minPosition answer at once,
 * from the old documents; GET /health shows the rebuild's progress.
 */
@Injectable()
export class ReadGate {
  constructor(
    private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async reached(minPosition: bigint | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.progress.waitFor(minPosition, this.config.readWaitMs)) return;
    throw new ProblemException({
      type: problemType('read-models-behind'),
      title: 'Unavailable for now',
      status: 503,
      detail: `the read models have not reached position ${minPosition} yet; retry shortly`,
      code: 'MIN_POSITION_NOT_REACHED',
    });
  }
}

@Global()
@Module({ providers: [ReadGate], exports: [ReadGate] })
export class ReadGateModule {}
