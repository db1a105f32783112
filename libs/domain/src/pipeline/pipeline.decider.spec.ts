import { deciderSpec } from '../testing/decider-spec';
import type {
  AddPipelineStage,
  DefinePipeline,
  RenamePipeline,
  ReorderPipelineStages,
  RetirePipelineStage,
  StageInput,
  UpdatePipelineStage,
} from './pipeline.commands';
import { MAX_ROTTING_DAYS, MAX_STAGES, pipelineDecider, stageNameOf } from './pipeline.decider';
import type {
  PipelineDefined,
  PipelineEvent,
  PipelineRenamed,
  PipelineStageAdded,
  PipelineStageProbabilityChanged,
  PipelineStageRenamed,
  PipelineStageRetired,
  PipelineStageRottingPeriodChanged,
  PipelineStagesReordered,
} from './pipeline.events';
import {
  DEFAULT_PIPELINE,
  DEFAULT_PIPELINE_ID,
  type PipelineState,
  activeStages,
  evolvePipeline,
  findStage,
  initialPipelineState,
  stageIndexIn,
  stageProbabilityIn,
} from './pipeline.state';

const pipelineId = 'enterprise';
const t0 = '2026-03-01T10:00:00.000Z';
const t1 = '2026-03-02T11:00:00.000Z';
const t2 = '2026-03-03T12:00:00.000Z';

const define = (data: Partial<DefinePipeline['data']> = {}): DefinePipeline => ({
  type: 'DefinePipeline',
  data: {
    pipelineId,
    name: 'Enterprise sales',
    stages: [
      { stage: 'discovery', probability: 20, rottenAfterDays: 14 },
      { stage: 'proposal', name: 'Proposal sent', probability: 50 },
      { stage: 'contract', probability: 90, rottenAfterDays: null },
    ],
    ...data,
  },
  metadata: { now: t0 },
});
const defined: PipelineDefined = {
  type: 'PipelineDefined',
  data: {
    pipelineId,
    name: 'Enterprise sales',
    stages: [
      { stage: 'discovery', name: 'Discovery', probability: 20, rottenAfterDays: 14 },
      { stage: 'proposal', name: 'Proposal sent', probability: 50, rottenAfterDays: null },
      { stage: 'contract', name: 'Contract', probability: 90, rottenAfterDays: null },
    ],
    definedAt: t0,
  },
};
/** A define command with one stage, to check what a stage may hold. */
const defineOne = (stage: Partial<StageInput>): DefinePipeline =>
  define({ stages: [{ stage: 'discovery', probability: 20, ...stage }] });

const rename = (name: string, id = pipelineId): RenamePipeline => ({
  type: 'RenamePipeline',
  data: { pipelineId: id, name },
  metadata: { now: t1 },
});
const addStage = (data: Partial<AddPipelineStage['data']> = {}, id = pipelineId): AddPipelineStage => ({
  type: 'AddPipelineStage',
  data: { pipelineId: id, stage: 'security_review', probability: 70, ...data },
  metadata: { now: t1 },
});
const stageAdded = (data: Partial<PipelineStageAdded['data']> = {}): PipelineStageAdded => ({
  type: 'PipelineStageAdded',
  data: {
    pipelineId,
    stage: 'security_review',
    name: 'Security review',
    probability: 70,
    rottenAfterDays: null,
    after: 'contract',
    addedAt: t1,
    ...data,
  },
});
const updateStage = (
  data: Omit<Partial<UpdatePipelineStage['data']>, 'pipelineId'> = {},
  id = pipelineId,
): UpdatePipelineStage => ({
  type: 'UpdatePipelineStage',
  data: { pipelineId: id, stage: 'discovery', ...data },
  metadata: { now: t1 },
});
const reorder = (stages: string[], id = pipelineId): ReorderPipelineStages => ({
  type: 'ReorderPipelineStages',
  data: { pipelineId: id, stages },
  metadata: { now: t1 },
});
const reordered = (from: string[], to: string[]): PipelineStagesReordered => ({
  type: 'PipelineStagesReordered',
  data: { pipelineId, from, to, reorderedAt: t1 },
});
const retire = (stage: string, id = pipelineId): RetirePipelineStage => ({
  type: 'RetirePipelineStage',
  data: { pipelineId: id, stage },
  metadata: { now: t2 },
});
const retired = (stage: string): PipelineStageRetired => ({
  type: 'PipelineStageRetired',
  data: { pipelineId, stage, retiredAt: t2 },
});

const spec = deciderSpec(pipelineDecider(pipelineId));
const defaultSpec = deciderSpec(pipelineDecider(DEFAULT_PIPELINE_ID));

const stateAfter = (events: PipelineEvent[], id = pipelineId): PipelineState =>
  events.reduce(evolvePipeline, initialPipelineState(id));
const order = (state: PipelineState): string[] =>
  state.status === 'none' ? [] : state.stages.map((s) => s.stage);

describe('Pipeline', () => {
  describe('the default pipeline', () => {
    it('exists from the start, with no event: qualification 10%, demo 30%, proposal 60%, negotiation 80%', () => {
      const state = pipelineDecider(DEFAULT_PIPELINE_ID).initialState();
      expect(state).toBe(DEFAULT_PIPELINE);
      expect(DEFAULT_PIPELINE_ID).toBe('default');
      expect(state).toMatchObject({ status: 'defined', pipelineId: 'default', name: 'Default pipeline' });
      expect(
        DEFAULT_PIPELINE.stages.map((s) => [s.stage, s.name, s.probability, s.rottenAfterDays, s.retired]),
      ).toEqual([
        ['qualification', 'Qualification', 10, null, false],
        ['demo', 'Demo', 30, null, false],
        ['proposal', 'Proposal', 60, null, false],
        ['negotiation', 'Negotiation', 80, null, false],
      ]);
    });

    it('answers the probability and position of its stages, and knows no "won" stage', () => {
      expect(stageProbabilityIn(DEFAULT_PIPELINE, 'proposal')).toBe(60);
      expect(stageProbabilityIn(DEFAULT_PIPELINE, 'won')).toBe(0);
      expect(stageIndexIn(DEFAULT_PIPELINE, 'qualification')).toBe(0);
      expect(stageIndexIn(DEFAULT_PIPELINE, 'negotiation')).toBe(3);
      expect(stageIndexIn(DEFAULT_PIPELINE, 'won')).toBe(-1);
      expect(findStage(DEFAULT_PIPELINE, 'demo')).toMatchObject({ stage: 'demo', probability: 30 });
      expect(findStage(DEFAULT_PIPELINE, 'won')).toBeUndefined();
      expect(activeStages(DEFAULT_PIPELINE).map((s) => s.stage)).toEqual([
        'qualification',
        'demo',
        'proposal',
        'negotiation',
      ]);
    });

    it('is the only pipeline that exists before it is defined', () => {
      expect(initialPipelineState('enterprise')).toEqual({ status: 'none' });
      expect(pipelineDecider('enterprise').initialState()).toEqual({ status: 'none' });
    });

    it('changes by events like any pipeline', () => {
      const state = stateAfter(
        [
          {
            type: 'PipelineStageProbabilityChanged',
            data: { pipelineId: 'default', stage: 'proposal', from: 60, to: 65, changedAt: t1 },
          },
        ],
        DEFAULT_PIPELINE_ID,
      );
      expect(state.status === 'defined' && stageProbabilityIn(state, 'proposal')).toBe(65);
      expect(stageProbabilityIn(DEFAULT_PIPELINE, 'proposal')).toBe(60);
    });
  });

  describe('stage names', () => {
    it('are the words of the slug, first letter capital, when none is given', () => {
      expect(stageNameOf('needs_analysis')).toBe('Needs analysis');
      expect(stageNameOf('closed-won')).toBe('Closed won');
      expect(stageNameOf('demo')).toBe('Demo');
      expect(stageNameOf('q3_review-2026')).toBe('Q3 review 2026');
    });
  });

  describe('DefinePipeline', () => {
    it('defines a pipeline with its stages in order, naming unnamed stages from their slug', () => {
      spec.given([]).when(define()).then([defined]);
    });

    it('refuses a pipeline id that is not a lowercase slug of at most 50 characters', () => {
      for (const id of ['Enterprise', 'enterprise sales', '-enterprise', 'enterprise_', '', 'a'.repeat(51)]) {
        deciderSpec(pipelineDecider(id))
          .given([])
          .when(define({ pipelineId: id }))
          .thenFails('INVALID_PIPELINE_ID', 'invalid', 'pipelineId');
      }
    });

    it('accepts ids such as sales-2026, smb_inbound and one of 50 characters', () => {
      for (const id of ['sales-2026', 'smb_inbound', 'a'.repeat(50)]) {
        deciderSpec(pipelineDecider(id))
          .given([])
          .when(define({ pipelineId: id }))
          .then([{ ...defined, data: { ...defined.data, pipelineId: id } }]);
      }
    });

    it('refuses to define a pipeline twice', () => {
      spec.given([defined]).when(define()).thenFails('PIPELINE_ALREADY_EXISTS', 'conflict');
      spec
        .given([defined, retired('contract')])
        .when(define())
        .thenFails('PIPELINE_ALREADY_EXISTS', 'conflict');
    });

    it('refuses to define the default pipeline: it exists from the start', () => {
      defaultSpec
        .given([])
        .when(define({ pipelineId: DEFAULT_PIPELINE_ID }))
        .thenFails('PIPELINE_ALREADY_EXISTS', 'conflict');
    });

    it('requires a name of at most 100 characters', () => {
      spec
        .given([])
        .when(define({ name: ' ' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'name');
      spec
        .given([])
        .when(define({ name: 'x'.repeat(101) }))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'name');
    });

    it('requires at least one stage', () => {
      spec
        .given([])
        .when(define({ stages: [] }))
        .thenFails('NO_ACTIVE_STAGE', 'invalid', 'stages');
    });

    it(`accepts ${MAX_STAGES} stages and refuses more`, () => {
      const stages = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ stage: `s${i}`, probability: 50 }));
      const events = pipelineDecider(pipelineId).decide(define({ stages: stages(MAX_STAGES) }), {
        status: 'none',
      });
      expect(events).toHaveLength(1);
      spec
        .given([])
        .when(define({ stages: stages(MAX_STAGES + 1) }))
        .thenFails('TOO_MANY_STAGES', 'invalid', 'stages');
    });

    it('refuses a stage twice, naming the second one', () => {
      spec
        .given([])
        .when(
          define({
            stages: [
              { stage: 'discovery', probability: 20 },
              { stage: 'proposal', probability: 50 },
              { stage: 'discovery', probability: 60 },
            ],
          }),
        )
        .thenFails('DUPLICATE_STAGE', 'invalid', 'stages[2].stage');
    });

    it('refuses a stage that is not a lowercase slug', () => {
      spec
        .given([])
        .when(
          define({
            stages: [
              { stage: 'discovery', probability: 20 },
              { stage: 'Needs Analysis', probability: 40 },
            ],
          }),
        )
        .thenFails('INVALID_STAGE', 'invalid', 'stages[1].stage');
      spec
        .given([])
        .when(defineOne({ stage: 's'.repeat(51) }))
        .thenFails('INVALID_STAGE', 'invalid', 'stages[0].stage');
    });

    it('requires a stage name, when one is given, of at most 100 characters', () => {
      spec
        .given([])
        .when(defineOne({ name: '' }))
        .thenFails('REQUIRED_FIELD', 'invalid', 'stages[0].name');
      spec
        .given([])
        .when(defineOne({ name: 'x'.repeat(101) }))
        .thenFails('FIELD_TOO_LONG', 'invalid', 'stages[0].name');
    });

    it('refuses a probability that is not a whole percent from 0 to 100', () => {
      for (const probability of [-1, 101, 12.5, Number.NaN]) {
        spec
          .given([])
          .when(defineOne({ probability }))
          .thenFails('INVALID_PROBABILITY', 'invalid', 'stages[0].probability');
      }
    });

    it('accepts probabilities 0 and 100', () => {
      for (const probability of [0, 100]) {
        spec
          .given([])
          .when(defineOne({ probability }))
          .then([
            {
              type: 'PipelineDefined',
              data: {
                pipelineId,
                name: 'Enterprise sales',
                stages: [{ stage: 'discovery', name: 'Discovery', probability, rottenAfterDays: null }],
                definedAt: t0,
              },
            },
          ]);
      }
    });

    it(`refuses a rotting period that is not a whole number of days from 1 to ${MAX_ROTTING_DAYS}`, () => {
      for (const rottenAfterDays of [0, -5, MAX_ROTTING_DAYS + 1, 1.5]) {
        spec
          .given([])
          .when(defineOne({ rottenAfterDays }))
          .thenFails('INVALID_ROTTING_PERIOD', 'invalid', 'stages[0].rottenAfterDays');
      }
    });

    it('accepts a rotting period of 1 or 3650 days, and null or none for never', () => {
      const rotting = (rottenAfterDays: number | null | undefined) =>
        pipelineDecider(pipelineId).decide(
          defineOne(rottenAfterDays === undefined ? {} : { rottenAfterDays }),
          { status: 'none' },
        )[0]!.data;
      expect(rotting(1)).toMatchObject({ stages: [{ rottenAfterDays: 1 }] });
      expect(rotting(3650)).toMatchObject({ stages: [{ rottenAfterDays: 3650 }] });
      expect(rotting(null)).toMatchObject({ stages: [{ rottenAfterDays: null }] });
      expect(rotting(undefined)).toMatchObject({ stages: [{ rottenAfterDays: null }] });
    });
  });

  describe('RenamePipeline', () => {
    it('renames a pipeline, with the old and new names', () => {
      const renamed: PipelineRenamed = {
        type: 'PipelineRenamed',
        data: { pipelineId, from: 'Enterprise sales', to: 'Key accounts', renamedAt: t1 },
      };
      spec.given([defined]).when(rename('Key accounts')).then([renamed]);
    });

    it('renames the default pipeline', () => {
      defaultSpec
        .given([])
        .when(rename('Inbound', DEFAULT_PIPELINE_ID))
        .then([
          {
            type: 'PipelineRenamed',
            data: { pipelineId: 'default', from: 'Default pipeline', to: 'Inbound', renamedAt: t1 },
          },
        ]);
    });

    it('writes nothing when the name is unchanged', () => {
      spec.given([defined]).when(rename('Enterprise sales')).then([]);
    });

    it('requires a name', () => {
      spec.given([defined]).when(rename('')).thenFails('REQUIRED_FIELD', 'invalid', 'name');
    });

    it('refuses to rename a pipeline that does not exist', () => {
      spec.given([]).when(rename('Key accounts')).thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('AddPipelineStage', () => {
    it('adds a stage last when no "after" is given, named from its slug', () => {
      spec.given([defined]).when(addStage()).then([stageAdded()]);
    });

    it('adds a stage after a given stage, with its name and rotting period', () => {
      spec
        .given([defined])
        .when(addStage({ after: 'discovery', name: 'Security', rottenAfterDays: 30 }))
        .then([stageAdded({ after: 'discovery', name: 'Security', rottenAfterDays: 30 })]);
    });

    it('adds a stage last even when the last stage is retired', () => {
      spec
        .given([defined, retired('contract')])
        .when(addStage())
        .then([stageAdded({ after: 'contract' })]);
    });

    it('adds a stage to the default pipeline, after negotiation', () => {
      defaultSpec
        .given([])
        .when(addStage({ stage: 'legal' }, DEFAULT_PIPELINE_ID))
        .then([
          {
            type: 'PipelineStageAdded',
            data: {
              pipelineId: 'default',
              stage: 'legal',
              name: 'Legal',
              probability: 70,
              rottenAfterDays: null,
              after: 'negotiation',
              addedAt: t1,
            },
          },
        ]);
    });

    it('refuses a stage the pipeline already has', () => {
      spec
        .given([defined])
        .when(addStage({ stage: 'proposal' }))
        .thenFails('STAGE_ALREADY_EXISTS', 'conflict');
    });

    it('refuses the slug of a retired stage: stages are never deleted, so a slug is never reused', () => {
      spec
        .given([defined, retired('proposal')])
        .when(addStage({ stage: 'proposal' }))
        .thenFails('STAGE_ALREADY_EXISTS', 'conflict');
    });

    it('refuses to put it after a stage the pipeline does not have', () => {
      spec
        .given([defined])
        .when(addStage({ after: 'demo' }))
        .thenFails('UNKNOWN_STAGE', 'invalid', 'after');
    });

    it('checks the stage as a definition does, naming the fields of the command', () => {
      const given = spec.given([defined]);
      given.when(addStage({ stage: 'Security Review' })).thenFails('INVALID_STAGE', 'invalid', 'stage');
      given.when(addStage({ name: ' ' })).thenFails('REQUIRED_FIELD', 'invalid', 'name');
      given.when(addStage({ probability: 101 })).thenFails('INVALID_PROBABILITY', 'invalid', 'probability');
      given
        .when(addStage({ rottenAfterDays: 0 }))
        .thenFails('INVALID_ROTTING_PERIOD', 'invalid', 'rottenAfterDays');
    });

    it(`refuses a stage beyond ${MAX_STAGES}, retired ones counted`, () => {
      const full: PipelineDefined = {
        type: 'PipelineDefined',
        data: {
          pipelineId,
          name: 'Full',
          stages: Array.from({ length: MAX_STAGES }, (_, i) => ({
            stage: `s${i}`,
            name: `S${i}`,
            probability: 50,
            rottenAfterDays: null,
          })),
          definedAt: t0,
        },
      };
      spec
        .given([full, retired('s3')])
        .when(addStage())
        .thenFails('TOO_MANY_STAGES', 'conflict');
    });

    it('refuses to add a stage to a pipeline that does not exist', () => {
      spec.given([]).when(addStage()).thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('UpdatePipelineStage', () => {
    const renamed: PipelineStageRenamed = {
      type: 'PipelineStageRenamed',
      data: { pipelineId, stage: 'discovery', from: 'Discovery', to: 'First call', changedAt: t1 },
    };
    const reweighted: PipelineStageProbabilityChanged = {
      type: 'PipelineStageProbabilityChanged',
      data: { pipelineId, stage: 'discovery', from: 20, to: 25, changedAt: t1 },
    };
    const rotting: PipelineStageRottingPeriodChanged = {
      type: 'PipelineStageRottingPeriodChanged',
      data: { pipelineId, stage: 'discovery', from: 14, to: 21, changedAt: t1 },
    };

    it('writes one event per changed field: name, probability, rotting period, each with old and new', () => {
      spec
        .given([defined])
        .when(updateStage({ rottenAfterDays: 21, probability: 25, name: 'First call' }))
        .then([renamed, reweighted, rotting]);
    });

    it('writes only the fields that change', () => {
      spec
        .given([defined])
        .when(updateStage({ name: 'Discovery', probability: 25, rottenAfterDays: 14 }))
        .then([reweighted]);
      spec
        .given([defined])
        .when(updateStage({ name: 'First call' }))
        .then([renamed]);
    });

    it('writes nothing when nothing changes', () => {
      spec
        .given([defined])
        .when(updateStage({ name: 'Discovery', probability: 20, rottenAfterDays: 14 }))
        .then([]);
      spec.given([defined]).when(updateStage()).then([]);
      spec
        .given([defined])
        .when(updateStage({ stage: 'proposal', rottenAfterDays: null }))
        .then([]);
    });

    it('clears the rotting period with null', () => {
      spec
        .given([defined])
        .when(updateStage({ rottenAfterDays: null }))
        .then([{ ...rotting, data: { ...rotting.data, to: null } }]);
    });

    it('re-weights a stage of the default pipeline', () => {
      defaultSpec
        .given([])
        .when(updateStage({ stage: 'proposal', probability: 65 }, DEFAULT_PIPELINE_ID))
        .then([
          {
            type: 'PipelineStageProbabilityChanged',
            data: { pipelineId: 'default', stage: 'proposal', from: 60, to: 65, changedAt: t1 },
          },
        ]);
    });

    it('checks each field given', () => {
      const given = spec.given([defined]);
      given.when(updateStage({ name: '' })).thenFails('REQUIRED_FIELD', 'invalid', 'name');
      given.when(updateStage({ probability: -1 })).thenFails('INVALID_PROBABILITY', 'invalid', 'probability');
      given
        .when(updateStage({ probability: 20.5 }))
        .thenFails('INVALID_PROBABILITY', 'invalid', 'probability');
      given
        .when(updateStage({ rottenAfterDays: 3651 }))
        .thenFails('INVALID_ROTTING_PERIOD', 'invalid', 'rottenAfterDays');
    });

    it('refuses a stage the pipeline does not have', () => {
      spec
        .given([defined])
        .when(updateStage({ stage: 'demo', probability: 30 }))
        .thenFails('STAGE_NOT_FOUND', 'not_found');
    });

    it('refuses a pipeline that does not exist', () => {
      spec
        .given([])
        .when(updateStage({ probability: 30 }))
        .thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('ReorderPipelineStages', () => {
    it('reorders the stages, with the order before and after', () => {
      spec
        .given([defined])
        .when(reorder(['proposal', 'discovery', 'contract']))
        .then([reordered(['discovery', 'proposal', 'contract'], ['proposal', 'discovery', 'contract'])]);
    });

    it('takes every stage, the retired ones included', () => {
      spec
        .given([defined, retired('proposal')])
        .when(reorder(['contract', 'proposal', 'discovery']))
        .then([reordered(['discovery', 'proposal', 'contract'], ['contract', 'proposal', 'discovery'])]);
    });

    it('writes nothing when the order is unchanged', () => {
      spec
        .given([defined])
        .when(reorder(['discovery', 'proposal', 'contract']))
        .then([]);
    });

    it('refuses an order that does not name every stage exactly once', () => {
      const given = spec.given([defined, retired('proposal')]);
      for (const stages of [
        ['discovery', 'contract'],
        ['discovery', 'proposal', 'contract', 'contract'],
        ['discovery', 'discovery', 'contract'],
        ['discovery', 'proposal', 'demo'],
        ['discovery', 'proposal', 'contract', 'demo'],
        [],
      ]) {
        given.when(reorder(stages)).thenFails('STAGE_ORDER_MISMATCH', 'invalid', 'stages');
      }
    });

    it('refuses a pipeline that does not exist', () => {
      spec
        .given([])
        .when(reorder(['discovery']))
        .thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('RetirePipelineStage', () => {
    it('retires a stage', () => {
      spec
        .given([defined])
        .when(retire('proposal'))
        .then([retired('proposal')]);
    });

    it('refuses to retire a stage twice', () => {
      spec
        .given([defined, retired('proposal')])
        .when(retire('proposal'))
        .thenFails('STAGE_ALREADY_RETIRED', 'conflict');
    });

    it('refuses to retire the last active stage: a pipeline keeps at least one', () => {
      spec
        .given([defined, retired('discovery'), retired('contract')])
        .when(retire('proposal'))
        .thenFails('LAST_ACTIVE_STAGE', 'conflict');
      spec
        .given([defined, retired('discovery')])
        .when(retire('contract'))
        .then([retired('contract')]);
    });

    it('refuses a stage the pipeline does not have', () => {
      spec.given([defined]).when(retire('demo')).thenFails('STAGE_NOT_FOUND', 'not_found');
    });

    it('refuses a pipeline that does not exist', () => {
      spec.given([]).when(retire('discovery')).thenFails('PIPELINE_NOT_FOUND', 'not_found');
    });
  });

  describe('state', () => {
    it('is defined by PipelineDefined, every stage active', () => {
      expect(stateAfter([defined])).toEqual({
        status: 'defined',
        pipelineId,
        name: 'Enterprise sales',
        stages: [
          { stage: 'discovery', name: 'Discovery', probability: 20, rottenAfterDays: 14, retired: false },
          {
            stage: 'proposal',
            name: 'Proposal sent',
            probability: 50,
            rottenAfterDays: null,
            retired: false,
          },
          { stage: 'contract', name: 'Contract', probability: 90, rottenAfterDays: null, retired: false },
        ],
      });
    });

    it('takes the new name', () => {
      const renamed: PipelineRenamed = {
        type: 'PipelineRenamed',
        data: { pipelineId, from: 'Enterprise sales', to: 'Key accounts', renamedAt: t1 },
      };
      expect(stateAfter([defined, renamed])).toMatchObject({ name: 'Key accounts' });
    });

    it('puts an added stage after the one named, or last', () => {
      const afterDiscovery = stateAfter([defined, stageAdded({ after: 'discovery' })]);
      expect(order(afterDiscovery)).toEqual(['discovery', 'security_review', 'proposal', 'contract']);
      expect(afterDiscovery.status === 'defined' && findStage(afterDiscovery, 'security_review')).toEqual({
        stage: 'security_review',
        name: 'Security review',
        probability: 70,
        rottenAfterDays: null,
        retired: false,
      });
      expect(order(stateAfter([defined, stageAdded()]))).toEqual([
        'discovery',
        'proposal',
        'contract',
        'security_review',
      ]);
      expect(order(stateAfter([defined, stageAdded({ after: 'gone' })]))).toEqual([
        'discovery',
        'proposal',
        'contract',
        'security_review',
      ]);
    });

    it('changes the name, probability and rotting period of the stage named, and of no other', () => {
      const change = { pipelineId, stage: 'proposal', changedAt: t1 };
      const state = stateAfter([
        defined,
        { type: 'PipelineStageRenamed', data: { ...change, from: 'Proposal sent', to: 'Offer' } },
        { type: 'PipelineStageProbabilityChanged', data: { ...change, from: 50, to: 55 } },
        { type: 'PipelineStageRottingPeriodChanged', data: { ...change, from: null, to: 10 } },
        {
          type: 'PipelineStageRottingPeriodChanged',
          data: { ...change, stage: 'discovery', from: 14, to: null },
        },
      ]);
      expect(state.status === 'defined' && state.stages).toEqual([
        { stage: 'discovery', name: 'Discovery', probability: 20, rottenAfterDays: null, retired: false },
        { stage: 'proposal', name: 'Offer', probability: 55, rottenAfterDays: 10, retired: false },
        { stage: 'contract', name: 'Contract', probability: 90, rottenAfterDays: null, retired: false },
      ]);
    });

    it('reorders the stages, keeping what each one is', () => {
      const state = stateAfter([
        defined,
        retired('discovery'),
        reordered(['discovery', 'proposal', 'contract'], ['contract', 'discovery', 'proposal']),
      ]);
      expect(
        state.status === 'defined' && state.stages.map((s) => [s.stage, s.probability, s.retired]),
      ).toEqual([
        ['contract', 90, false],
        ['discovery', 20, true],
        ['proposal', 50, false],
      ]);
    });

    it('keeps a retired stage, marked retired, out of the active stages', () => {
      const state = stateAfter([defined, retired('proposal')]);
      expect(order(state)).toEqual(['discovery', 'proposal', 'contract']);
      expect(state.status === 'defined' && findStage(state, 'proposal')).toMatchObject({ retired: true });
      expect(state.status === 'defined' && activeStages(state).map((s) => s.stage)).toEqual([
        'discovery',
        'contract',
      ]);
    });

    it('follows each event of a history in turn', () => {
      const history: PipelineEvent[] = [
        defined,
        stageAdded({ after: 'proposal' }),
        retired('discovery'),
        reordered(
          ['discovery', 'proposal', 'security_review', 'contract'],
          ['proposal', 'security_review', 'contract', 'discovery'],
        ),
      ];
      const states = history.map((_, i) => stateAfter(history.slice(0, i + 1)));
      expect(states.map(order)).toEqual([
        ['discovery', 'proposal', 'contract'],
        ['discovery', 'proposal', 'security_review', 'contract'],
        ['discovery', 'proposal', 'security_review', 'contract'],
        ['proposal', 'security_review', 'contract', 'discovery'],
      ]);
      expect(states.map((s) => (s.status === 'defined' ? activeStages(s).length : 0))).toEqual([3, 4, 3, 3]);
    });

    it('ignores changes to a pipeline that was never defined', () => {
      expect(stateAfter([retired('discovery'), stageAdded()])).toEqual({ status: 'none' });
    });
  });
});
