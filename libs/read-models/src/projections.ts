import { activitiesProjection } from './activities';
import { dealListProjection } from './deal-list';
import { funnelProjection } from './funnel';
import { leadListProjection } from './lead-list';
import type { Projection } from './projection';
import { pipelineProjection } from './pipeline';
import { pipelinesProjection } from './pipelines';
import { forecastProjection } from './forecast';
import { lossesProjection } from './losses';
import { merkleTreeProjection } from './merkle';
import { stagesProjection } from './stages';

/** Every read model the service keeps. */
export const PROJECTIONS: readonly Projection[] = [
  pipelinesProjection,
  leadListProjection,
  dealListProjection,
  pipelineProjection,
  funnelProjection,
  stagesProjection,
  forecastProjection,
  lossesProjection,
  activitiesProjection,
  merkleTreeProjection,
];
