import { APP_CONFIG, type AppConfig, ProjectionProgress } from '@app/application';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { ProblemException, problemType } from '../http/problem';

/** Read-your-writes: a query with minPosition answers only once the read models have processed it. */
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
