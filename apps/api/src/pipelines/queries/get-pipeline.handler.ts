import { AggregateLoader } from '@app/application';
import { notFound, pipelineDecider, pipelineStream } from '@app/domain';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type PipelineView, toPipelineView } from '../pipeline.view';
import { GetPipelineQuery } from './get-pipeline.query';

@QueryHandler(GetPipelineQuery)
export class GetPipelineHandler implements IQueryHandler<GetPipelineQuery> {
  constructor(private readonly loader: AggregateLoader) {}

  async execute({ pipelineId, asOf }: GetPipelineQuery): Promise<PipelineView> {
    const { state, revision } = await this.loader.load(
      pipelineStream(pipelineId),
      pipelineDecider(pipelineId),
      asOf,
    );
    if (state.status === 'none') {
      throw notFound(
        'PIPELINE_NOT_FOUND',
        asOf
          ? `pipeline ${pipelineId} did not exist yet at ${asOf.toISOString()}`
          : `pipeline ${pipelineId} does not exist`,
      );
    }
    return toPipelineView(state, revision);
  }
}
