import { Inject, Injectable } from '@nestjs/common';
import { ProjectionRunner } from '@app/read-models';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { ProblemException, problemType } from '../http/problem';

/** Read-your-writes: a query with minPosition answers only once the read models have processed it. */
@Injectable()
export class ReadGate {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async reached(minPosition: bigint | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.runner.waitFor(minPosition, this.config.readWaitMs)) return;
    throw new ProblemException({
      type: problemType('read-models-behind'),
      title: 'Unavailable for now',
      status: 503,
      detail: `the read models have not reached position ${minPosition} yet (they are at ${this.runner.lowestCheckpoint()}); retry shortly`,
      code: 'MIN_POSITION_NOT_REACHED',
    });
  }
}
