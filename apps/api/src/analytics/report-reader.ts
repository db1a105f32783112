import { AsOfFolder } from '@app/application';
import { notFound } from '@app/domain';
import { START } from '@app/event-store';
import { type DocumentReader, type Projection, ReadStore, pipelinesProjection } from '@app/read-models';
import { Injectable } from '@nestjs/common';
import { ProblemException } from '../http/problem';
import { ReadGate } from '../read-side/read-gate';

/** When a report is asked for: now (after minPosition, if given) or as it stood at a past moment. */
export interface ReportMoment {
  readonly asOf?: Date | undefined;
  readonly minPosition?: bigint | undefined;
}

/**
 * Every report (and every list that can be asked as of a moment) the same way: after read-your-writes, either
 * from the read store (one consistent snapshot, stating the position its projections include) or as it stood
 * at a past moment (from the as-of snapshots and the events after them, or folded from the log). The report
 * functions are pure and the same for both; the pipelines' configuration is folded beside each report, so that
 * probabilities, stages and rotting periods are those in effect at the report's moment.
 */
@Injectable()
export class ReportReader {
  constructor(
    private readonly store: ReadStore,
    private readonly gate: ReadGate,
    private readonly asOfFolder: AsOfFolder,
  ) {}

  async read<T>(
    projection: Projection | readonly Projection[],
    moment: ReportMoment,
    report: (reader: DocumentReader, position: string) => Promise<T>,
  ): Promise<T> {
    await this.gate.reached(moment.minPosition);
    const projections = ([pipelinesProjection] as readonly Projection[]).concat(projection);
    try {
      if (moment.asOf) {
        return await this.asOfFolder.report(projections, moment.asOf, (documents, position) =>
          report(documents, position.toString()),
        );
      }
      return await this.store.snapshot(async (reader) => {
        let position: bigint | undefined;
        for (const { name } of projections) {
          const checkpoint = (await reader.checkpoint(name))?.position ?? START;
          if (position === undefined || checkpoint < position) position = checkpoint;
        }
        return report(reader, (position ?? START).toString());
      });
    } catch (error) {
      // The report functions refuse a bound that is not a moment.
      if (error instanceof RangeError) throw ProblemException.badRequest(error.message, []);
      throw error;
    }
  }

  /** The same, for a report of one pipeline: an unknown pipeline is 404. */
  async readPipeline<T>(
    projection: Projection | readonly Projection[],
    pipelineId: string,
    moment: ReportMoment,
    report: (reader: DocumentReader, position: string) => Promise<T | undefined>,
  ): Promise<T> {
    const answer = await this.read(projection, moment, report);
    if (answer === undefined) {
      throw notFound(
        'PIPELINE_NOT_FOUND',
        moment.asOf
          ? `pipeline ${pipelineId} did not exist at ${moment.asOf.toISOString()}`
          : `pipeline ${pipelineId} does not exist`,
      );
    }
    return answer;
  }
}
