import { DEFAULT_PIPELINE_ID } from '../pipeline/pipeline.state';
import type { DealCreatedData } from './deal.events';

/** DealCreated 1 -> 2: deals created before pipelines existed are in the default pipeline. */
export const dealCreatedV1ToV2 = (data: Omit<DealCreatedData, 'pipelineId'>): DealCreatedData => ({
  ...data,
  pipelineId: DEFAULT_PIPELINE_ID,
});
