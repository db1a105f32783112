import { DEFAULT_PIPELINE_ID } from '../pipeline/pipeline.state';
import type { DealCreatedData } from './deal.events';
import { dealCreatedV1ToV2 } from './deal.upcasters';

/** DealCreated data as schema version 1 wrote it: before pipelines, so no pipelineId. */
const v1: Omit<DealCreatedData, 'pipelineId'> = {
  dealId: '5a3f0c9e-1b2d-5e4f-8a6b-7c8d9e0f1a2b',
  leadId: '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e',
  title: 'Analytics for Ada',
  value: { amount: 1_200_000, currency: 'USD' },
  expectedCloseDate: '2026-06-30',
  owner: 'grace',
  stage: 'demo',
  createdAt: '2026-03-05T09:30:00.000Z',
};

describe('DealCreated upcaster, schema version 1 -> 2', () => {
  it('puts the deal in the default pipeline, keeping every other field as it was', () => {
    expect(dealCreatedV1ToV2(v1)).toStrictEqual({ ...v1, pipelineId: 'default' });
    expect(DEFAULT_PIPELINE_ID).toBe('default');
  });

  it('keeps a deal without an owner without one', () => {
    const { owner: _owner, ...withoutOwner } = v1;
    const upcast = dealCreatedV1ToV2(withoutOwner);
    expect(upcast).not.toHaveProperty('owner');
    expect(upcast.pipelineId).toBe('default');
  });

  it('answers a new object and leaves the stored data as it was', () => {
    const stored = structuredClone(v1);
    const upcast = dealCreatedV1ToV2(stored);
    expect(upcast).not.toBe(stored);
    expect(stored).toStrictEqual(v1);
    expect(stored).not.toHaveProperty('pipelineId');
  });
});
