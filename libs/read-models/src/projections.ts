import { dealListProjection } from './deal-list';
import { funnelProjection } from './funnel';
import { leadListProjection } from './lead-list';
import type { Projection } from './projection';
import { pipelineProjection } from './pipeline';

/** Every read model the service keeps. */
export const PROJECTIONS: readonly Projection[] = [
  leadListProjection,
  dealListProjection,
  pipelineProjection,
  funnelProjection,
];
