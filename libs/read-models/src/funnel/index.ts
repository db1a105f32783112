export {
  FUNNEL_BUCKETS,
  FUNNEL_DEALS,
  FUNNEL_LEADS,
  type FunnelBucketDoc,
  type FunnelCounts,
  type FunnelDealDoc,
  type FunnelLeadDoc,
  type FunnelPeriod,
  funnelBucketId,
  funnelProjection,
} from './funnel.projection';
export * from './funnel.report';
