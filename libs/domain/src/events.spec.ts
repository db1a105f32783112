import type { DealCreated, DealCreatedData } from './deal/deal.events';
import { evolveDeal, initialDealState } from './deal/deal.state';
import {
  EVENT_SCHEMA_VERSIONS,
  EVENT_TYPES,
  isDealEvent,
  isLeadEvent,
  isAccessEvent,
  isPipelineEvent,
  isScoringEvent,
  upcast,
  type StoredEventShape,
} from './events';

/** A stored event as the stores hand it over: position and metadata around the domain's type and data. */
interface Stored extends StoredEventShape {
  readonly streamId: string;
  readonly revision: number;
  readonly data: object;
  readonly metadata: {
    readonly schemaVersion?: unknown;
    readonly actor: string;
    readonly correlationId: string;
  };
}

const dealCreatedV1: Omit<DealCreatedData, 'pipelineId'> = {
  dealId: '5a3f0c9e-1b2d-5e4f-8a6b-7c8d9e0f1a2b',
  leadId: '0b4a4c6e-2d3f-4a57-9b8e-1f2a3b4c5d6e',
  title: 'Analytics for Ada',
  value: { amount: 1_200_000, currency: 'USD' },
  expectedCloseDate: '2026-06-30',
  stage: 'proposal',
  createdAt: '2026-03-05T09:30:00.000Z',
};
const stored = (type: string, data: object, schemaVersion?: unknown): Stored => ({
  streamId: 'deal-5a3f0c9e-1b2d-5e4f-8a6b-7c8d9e0f1a2b',
  revision: 0,
  type,
  data,
  metadata: {
    actor: 'grace',
    correlationId: 'c-1',
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
  },
});

describe('upcast', () => {
  it('reads a DealCreated of schema version 1 as version 2, in the default pipeline', () => {
    const event = stored('DealCreated', dealCreatedV1, 1);
    expect(upcast(event)).toStrictEqual({
      streamId: event.streamId,
      revision: 0,
      type: 'DealCreated',
      data: { ...dealCreatedV1, pipelineId: 'default' },
      metadata: { actor: 'grace', correlationId: 'c-1', schemaVersion: 2 },
    });
  });

  it('treats an event with no schema version as version 1', () => {
    const event = stored('DealCreated', dealCreatedV1);
    const read = upcast(event);
    expect(read.data).toStrictEqual({ ...dealCreatedV1, pipelineId: 'default' });
    expect(read.metadata.schemaVersion).toBe(2);
    const notANumber = upcast(stored('DealCreated', dealCreatedV1, null));
    expect(notANumber.data).toHaveProperty('pipelineId', 'default');
    expect(notANumber.metadata.schemaVersion).toBe(2);
  });

  it('never changes the stored event: the log is not rewritten', () => {
    const event = stored('DealCreated', structuredClone(dealCreatedV1), 1);
    const copy = structuredClone(event);
    const read = upcast(event);
    expect(read).not.toBe(event);
    expect(event).toStrictEqual(copy);
    expect(event.data).not.toHaveProperty('pipelineId');
  });

  it('answers a current event as it is, the same object', () => {
    const event = stored('DealCreated', { ...dealCreatedV1, pipelineId: 'enterprise' }, 2);
    expect(upcast(event)).toBe(event);
    expect(upcast(event).data).toHaveProperty('pipelineId', 'enterprise');
    const captured = stored('LeadCaptured', { leadId: 'x', name: 'Ada', tags: [] }, 1);
    expect(upcast(captured)).toBe(captured);
  });

  it('answers an event of a version it has no step for, as written by a newer version, as it is', () => {
    const event = stored('DealCreated', { ...dealCreatedV1, pipelineId: 'enterprise' }, 3);
    expect(upcast(event)).toBe(event);
  });

  it('answers an event of a type it does not know as it is', () => {
    const event = stored('DealArchived', { dealId: 'x' }, 1);
    expect(upcast(event)).toBe(event);
    const unversioned = stored('DealArchived', { dealId: 'x' });
    expect(upcast(unversioned)).toBe(unversioned);
  });

  it('leaves a version 1 DealCreated that a deal folds into: the deal is in the default pipeline', () => {
    const read = upcast(stored('DealCreated', dealCreatedV1, 1));
    const deal = evolveDeal(initialDealState(), { type: 'DealCreated', data: read.data } as DealCreated);
    expect(deal).toMatchObject({ status: 'open', pipelineId: 'default', stage: 'proposal' });
  });

  it('brings an event of every type from version 1 to its current version', () => {
    for (const type of EVENT_TYPES) {
      const read = upcast(stored(type, {}, 1));
      expect(read.metadata.schemaVersion ?? 1).toBe(EVENT_SCHEMA_VERSIONS[type]);
    }
    expect(EVENT_SCHEMA_VERSIONS.DealCreated).toBe(2);
  });
});

describe('event types', () => {
  it('are each a lead, a deal, a pipeline or an access event, and only one of them', () => {
    for (const type of EVENT_TYPES) {
      const kinds = [
        isLeadEvent({ type }),
        isDealEvent({ type }),
        isPipelineEvent({ type }),
        isAccessEvent({ type }),
        isScoringEvent({ type }),
      ];
      expect([type, kinds.filter(Boolean).length]).toEqual([type, 1]);
    }
    expect(isDealEvent({ type: 'StageReverted' })).toBe(true);
    expect(isLeadEvent({ type: 'LeadReactivated' })).toBe(true);
    expect(isPipelineEvent({ type: 'PipelineStageRetired' })).toBe(true);
    expect(isAccessEvent({ type: 'ApiKeyRevoked' })).toBe(true);
    expect(isDealEvent({ type: 'DealArchived' })).toBe(false);
  });

  it('keep the public names services subscribe to', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'LeadCaptured',
        'LeadQualified',
        'LeadDisqualified',
        'DealCreated',
        'StageAdvanced',
        'DealWon',
        'DealLost',
      ]),
    );
  });
});
