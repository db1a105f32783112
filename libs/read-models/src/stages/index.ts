export {
  STAGE_DEALS,
  STAGE_STAYS,
  type StageDealDoc,
  type StageStayDoc,
  type StayEntry,
  type StayExit,
  pipelineTimeKey,
  stagesProjection,
  stayId,
} from './stages.projection';
export * from './stages.report';
