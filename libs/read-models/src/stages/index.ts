export {
  STAGE_BUCKETS,
  STAGE_DEALS,
  STAGE_STAYS,
  type OpenStay,
  type StageBucketCounts,
  type StageBucketDoc,
  type StageCounter,
  type StageDayCounts,
  type StageDealDoc,
  type StageStayDoc,
  type StayEntry,
  type StayExit,
  pipelineTimeKey,
  stagesProjection,
  stayId,
} from './stages.projection';
export * from './stages.report';
