import {
  ACTIVITY_TYPES,
  type ActivityType,
  DEFAULT_PIPELINE_ID,
  type DealCommand,
  type DealState,
  type Decider,
  type DisqualificationReason,
  DomainError,
  EVENT_SCHEMA_VERSIONS,
  type Interaction,
  type LeadCommand,
  type LeadState,
  type Money,
  type PipelineCommand,
  type PipelineState,
  SCORING_RULES_STREAM,
  type SalesEvent,
  type ScoringRules,
  type ScoringState,
  dealDecider,
  dealIdForLead,
  dealStream,
  initialPipelineState,
  leadDecider,
  leadStream,
  pipelineDecider,
  pipelineStream,
  scoringDecider,
} from '@app/domain';
import type { EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import fc from 'fast-check';

/*
 * Random histories of a sales team's work, made the way the service makes them: each command decided by the
 * real decider on the current state of its aggregate (a deal command given its lead and pipeline as the use
 * cases look them up), refused ones skipped as the API would refuse them.
 */

/** The pipelines commands aim at: the built-in one and three that must be defined first ('alpha-2' shares a prefix). */
export const PIPELINE_IDS = [DEFAULT_PIPELINE_ID, 'alpha', 'alpha-2', 'beta'] as const;
export const SOURCES = ['web_form', 'referral', 'event'] as const;
export const CURRENCIES = ['EUR', 'USD', 'JPY'] as const;
export const OWNERS = ['ada', 'grace', 'linus'] as const;
/** What captured and corrected leads hold, for the fit rules of scoring to match or not. */
export const CAMPAIGNS = ['spring-launch', 'Q3 webinar'] as const;
export const TAGS = ['enterprise', 'smb', 'hot'] as const;
/** Slugs new stages take: some are also stages of the default pipeline. */
const STAGE_SLUGS = [
  'discovery',
  'demo',
  'proposal',
  'review',
  'contract',
  'closing',
  'qualification',
] as const;
const LOSS_REASONS = ['price', 'timing', 'Price', 'no budget'] as const;
const COMPETITORS = ['Acme', 'Globex'] as const;
const DISQUALIFICATIONS: readonly DisqualificationReason[] = ['no_budget', 'spam', 'duplicate'];

const DAY = 86_400_000;
const CLOSE_DATES_FROM = Date.UTC(2026, 1, 1);

/**
 * One step of a team's work, `minutes` after the previous one (0: at the same instant). Leads are aimed at by
 * `lead` modulo how many were captured, deals by `deal` modulo how many were created, pipelines by `pipeline`
 * modulo PIPELINE_IDS, stages by `stage` modulo the stages (retired ones included) of the pipeline concerned.
 */
export type Action = { readonly minutes: number } & (
  | {
      readonly kind: 'capture';
      readonly source: string;
      readonly company?: string;
      readonly phone?: string;
      readonly campaign?: string;
      readonly interest?: string;
      readonly tags?: readonly string[];
    }
  | { readonly kind: 'qualify'; readonly lead: number; readonly budget: Money }
  | { readonly kind: 'disqualify'; readonly lead: number; readonly reason: DisqualificationReason }
  | { readonly kind: 'reactivate'; readonly lead: number }
  | {
      readonly kind: 'correctLead';
      readonly lead: number;
      readonly owner: string | null;
      readonly name?: string;
    }
  | {
      readonly kind: 'create';
      readonly lead: number;
      readonly pipeline: number;
      readonly stage: number | null;
      readonly value: Money;
      readonly closeDate: string;
      readonly owner?: string;
    }
  | { readonly kind: 'advance'; readonly deal: number; readonly stage: number }
  | { readonly kind: 'move'; readonly deal: number; readonly stage: number; readonly reason?: string }
  | {
      readonly kind: 'update';
      readonly deal: number;
      readonly title?: string;
      readonly value?: Money;
      readonly closeDate?: string;
      readonly owner?: string | null;
      readonly probability?: number | null;
    }
  | { readonly kind: 'win'; readonly deal: number }
  | { readonly kind: 'lose'; readonly deal: number; readonly reason: string; readonly competitor?: string }
  | { readonly kind: 'reopen'; readonly deal: number }
  | {
      readonly kind: 'movePipeline';
      readonly deal: number;
      readonly pipeline: number;
      readonly stage: number | null;
    }
  | {
      readonly kind: 'definePipeline';
      readonly pipeline: number;
      readonly stages: readonly { readonly stage: string; readonly probability: number }[];
    }
  | { readonly kind: 'renamePipeline'; readonly pipeline: number; readonly name: string }
  | {
      readonly kind: 'updateStage';
      readonly pipeline: number;
      readonly stage: number;
      readonly name?: string;
      readonly probability?: number;
    }
  | {
      readonly kind: 'addStage';
      readonly pipeline: number;
      readonly stage: string;
      readonly probability: number;
      readonly after: number | null;
    }
  | { readonly kind: 'retireStage'; readonly pipeline: number; readonly stage: number }
  | { readonly kind: 'reorderStages'; readonly pipeline: number; readonly keys: readonly number[] }
  | {
      readonly kind: 'refineLead';
      readonly lead: number;
      readonly company?: string | null;
      readonly phone?: string | null;
      readonly interest?: string | null;
      readonly tags?: readonly string[];
    }
  | { readonly kind: 'note'; readonly lead: number }
  | { readonly kind: 'scheduleActivity'; readonly lead: number; readonly type: ActivityType }
  | { readonly kind: 'completeActivity'; readonly lead: number; readonly activity: number }
  | { readonly kind: 'defineScoringRules'; readonly rules: ScoringRules }
);

/** Mostly a few minutes or hours, sometimes none (events at one instant), sometimes days or weeks. */
const minutes = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 90 }) },
  { weight: 3, arbitrary: fc.integer({ min: 60, max: 3 * 1440 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1440, max: 25 * 1440 }) },
);

/** Amounts from 0 to 10^14: small ones make weighted values round at halves, large ones pass 2^53 once weighed. */
export const moneyArbitrary: fc.Arbitrary<Money> = fc.record({
  amount: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 300 }) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 5_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000_000_000_000 }) },
  ),
  currency: fc.constantFrom(...CURRENCIES),
});

const probability = fc.oneof(fc.constantFrom(0, 1, 50, 100), fc.integer({ min: 0, max: 100 }));
const index = fc.nat(1000);
const owner = fc.constantFrom(...OWNERS);
const closeDate = fc
  .integer({ min: 0, max: 420 })
  .map((days) => new Date(CLOSE_DATES_FROM + days * DAY).toISOString().slice(0, 10));
const stageChoice = fc.option(index, { nil: null, freq: 3 });

export const defineArbitrary = fc.record({
  kind: fc.constant('definePipeline' as const),
  pipeline: fc.integer({ min: 1, max: PIPELINE_IDS.length - 1 }),
  stages: fc.uniqueArray(fc.record({ stage: fc.constantFrom(...STAGE_SLUGS), probability }), {
    minLength: 1,
    maxLength: 4,
    selector: (s) => s.stage,
  }),
  minutes,
});

const tagsArbitrary = fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 2 });

export const captureArbitrary = fc.record(
  {
    kind: fc.constant('capture' as const),
    source: fc.constantFrom(...SOURCES),
    company: fc.constantFrom('Analytical Engines', 'Cobol Ltd'),
    phone: fc.constant('+44 1'),
    campaign: fc.constantFrom(...CAMPAIGNS),
    interest: fc.constantFrom('forecasting', 'reporting'),
    tags: tagsArbitrary,
    minutes,
  },
  { requiredKeys: ['kind', 'source', 'minutes'] },
);

/** The lead's fields that fit rules look at, given, changed or cleared. */
export const refineLeadArbitrary = fc.record(
  {
    kind: fc.constant('refineLead' as const),
    lead: index,
    company: fc.constantFrom('Globex', null),
    phone: fc.constantFrom('+1 555 0100', null),
    interest: fc.constantFrom('pipeline', null),
    tags: tagsArbitrary,
    minutes,
  },
  { requiredKeys: ['kind', 'lead', 'minutes'] },
);

/** Interactions with a lead: notes, and activities scheduled then (some of them) completed. */
export const leadInteractionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('note' as const), lead: index, minutes }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('scheduleActivity' as const),
      lead: index,
      type: fc.constantFrom(...ACTIVITY_TYPES),
      minutes,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('completeActivity' as const),
      lead: index,
      activity: index,
      minutes,
    }),
  },
);

const fitRuleArbitrary = fc.oneof(
  fc.record({ field: fc.constant('source' as const), equals: fc.constantFrom(...SOURCES) }),
  fc.record({ field: fc.constant('campaign' as const), equals: fc.constantFrom(...CAMPAIGNS) }),
  fc.record({
    field: fc.constantFrom('campaign', 'company', 'phone', 'interest', 'tags', 'budget'),
    present: fc.constant(true as const),
  }),
  fc.record({ field: fc.constant('tags' as const), equals: fc.constantFrom(...TAGS) }),
  fc.record({ field: fc.constant('budget' as const), atLeast: moneyArbitrary }),
);

/** Valid rule sets: fit rules on every field, with points of either sign; engagement rules; bands. */
export const scoringRulesArbitrary: fc.Arbitrary<ScoringRules> = fc
  .record({
    fit: fc.array(fc.tuple(fitRuleArbitrary, fc.integer({ min: -30, max: 60 })), { maxLength: 6 }),
    engagement: fc.array(
      fc.tuple(
        fc.oneof(
          fc.record({ on: fc.constant('note' as const) }),
          fc.record({ on: fc.constant('activity' as const) }),
          fc.record({
            on: fc.constant('activity' as const),
            activityType: fc.constantFrom(...ACTIVITY_TYPES),
          }),
        ),
        fc.integer({ min: 1, max: 40 }),
      ),
      { maxLength: 5 },
    ),
    halfLifeDays: fc.integer({ min: 1, max: 60 }),
    warm: fc.integer({ min: -20, max: 60 }),
    gap: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ fit, engagement, halfLifeDays, warm, gap }) => ({
    fit: fit.map(([rule, points], i) => ({ rule: `fit-${i}`, points, ...rule })),
    engagement: engagement.map(([rule, points], i) => ({ rule: `engagement-${i}`, points, ...rule })),
    halfLifeDays,
    bands: { warm, hot: warm + gap },
  }));

export const defineScoringRulesArbitrary = fc.record({
  kind: fc.constant('defineScoringRules' as const),
  rules: scoringRulesArbitrary,
  minutes,
});

export const qualifyArbitrary = fc.record({
  kind: fc.constant('qualify' as const),
  lead: index,
  budget: moneyArbitrary,
  minutes,
});

const createArbitrary = fc.record(
  {
    kind: fc.constant('create' as const),
    lead: index,
    pipeline: index,
    stage: stageChoice,
    value: moneyArbitrary,
    closeDate,
    owner,
    minutes,
  },
  { requiredKeys: ['kind', 'lead', 'pipeline', 'stage', 'value', 'closeDate', 'minutes'] },
);

export const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: captureArbitrary,
  },
  {
    weight: 6,
    arbitrary: qualifyArbitrary,
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('disqualify' as const),
      lead: index,
      reason: fc.constantFrom(...DISQUALIFICATIONS),
      minutes,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reactivate' as const), lead: index, minutes }) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        kind: fc.constant('correctLead' as const),
        lead: index,
        owner: fc.option(owner, { nil: null }),
        name: fc.constantFrom('Ada L.', 'Grace H.'),
        minutes,
      },
      { requiredKeys: ['kind', 'lead', 'owner', 'minutes'] },
    ),
  },
  {
    weight: 6,
    arbitrary: createArbitrary,
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), deal: index, stage: index, minutes }),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.constant('move' as const),
        deal: index,
        stage: index,
        reason: fc.constantFrom('customer went quiet', 'demo again'),
        minutes,
      },
      { requiredKeys: ['kind', 'deal', 'stage', 'minutes'] },
    ),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.constant('update' as const),
        deal: index,
        title: fc.constantFrom('Renewal', 'Expansion'),
        value: moneyArbitrary,
        closeDate,
        owner: fc.option(owner, { nil: null }),
        probability: fc.option(probability, { nil: null }),
        minutes,
      },
      { requiredKeys: ['kind', 'deal', 'minutes'] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('win' as const), deal: index, minutes }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant('lose' as const),
        deal: index,
        reason: fc.constantFrom(...LOSS_REASONS),
        competitor: fc.constantFrom(...COMPETITORS),
        minutes,
      },
      { requiredKeys: ['kind', 'deal', 'reason', 'minutes'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reopen' as const), deal: index, minutes }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('movePipeline' as const),
      deal: index,
      pipeline: index,
      stage: stageChoice,
      minutes,
    }),
  },
  { weight: 1, arbitrary: defineArbitrary },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renamePipeline' as const),
      pipeline: index,
      name: fc.constantFrom('Inbound', 'Key accounts'),
      minutes,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('updateStage' as const),
        pipeline: index,
        stage: index,
        name: fc.constantFrom('Call', 'Workshop'),
        probability,
        minutes,
      },
      { requiredKeys: ['kind', 'pipeline', 'stage', 'minutes'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('addStage' as const),
      pipeline: index,
      stage: fc.constantFrom(...STAGE_SLUGS),
      probability,
      after: fc.option(index, { nil: null }),
      minutes,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retireStage' as const),
      pipeline: index,
      stage: index,
      minutes,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reorderStages' as const),
      pipeline: index,
      keys: fc.array(fc.nat(20), { minLength: 12, maxLength: 12 }),
      minutes,
    }),
  },
  { weight: 1, arbitrary: refineLeadArbitrary },
  { weight: 3, arbitrary: leadInteractionArbitrary },
  { weight: 1, arbitrary: defineScoringRulesArbitrary },
);

/** Where an inserted action goes among n others: a fraction of the way, 0 (first) to 1 (last). */
const place = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);

/**
 * Random actions, among which (at random places) 1 to 3 pipelines are defined and up to 6 leads go the usual
 * way: captured, later qualified, later given a deal (which other actions may or may not get in the way of).
 */
export const actionsArbitrary = (maxLength: number): fc.Arbitrary<Action[]> =>
  fc
    .tuple(
      fc.array(actionArbitrary, { minLength: 1, maxLength, size: 'max' }),
      fc.array(fc.tuple(defineArbitrary, place), { minLength: 1, maxLength: 3 }),
      fc.array(
        fc.tuple(
          fc.tuple(captureArbitrary, qualifyArbitrary, createArbitrary),
          fc.tuple(place, place, place),
        ),
        { maxLength: 6 },
      ),
    )
    .map(([actions, defines, journeys]) => {
      const n = actions.length;
      const placed: [number, Action][] = [
        ...actions.map((action, i): [number, Action] => [i + 0.5, action]),
        ...defines.map(([define, at]): [number, Action] => [at * n, define]),
        ...journeys.flatMap(([steps, at]) => {
          const times = [...at].sort((a, b) => a - b);
          return steps.map((step, i): [number, Action] => [times[i]! * n, step]);
        }),
      ];
      return placed.sort(([a], [b]) => a - b).map(([, action]) => action);
    });

type WithoutMetadata<C> = C extends unknown ? Omit<C, 'metadata'> : never;

export interface Append {
  readonly streamId: string;
  readonly events: NewEvent[];
}

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * The n-th item, counting (three times in four) only those a command can apply to when there are some, so
 * that most commands are accepted and some are refused.
 */
function aim<T>(items: readonly T[], n: number, suits: (item: T) => boolean): T | undefined {
  const suitable = items.filter(suits);
  const pool = n % 4 !== 0 && suitable.length > 0 ? suitable : items;
  return pool[Math.floor(n / 4) % Math.max(pool.length, 1)];
}

const stageAt = (pipeline: PipelineState, n: number | null): string | undefined =>
  pipeline.status === 'none' || n === null ? undefined : pipeline.stages[n % pipeline.stages.length]?.stage;

/**
 * Turns actions into the appends a real team would have made: each command decided by the domain on the
 * current state, refused ones skipped, an accepted one appended to its stream with the events' current schema
 * versions. Time moves forward by each action's minutes from `start`. Ids are deterministic.
 */
export function historyOf(actions: readonly Action[], start = Date.UTC(2026, 2, 1)): Append[] {
  const leads: { id: string; state: LeadState }[] = [];
  const deals: { id: string; state: DealState }[] = [];
  const pipelines = new Map<string, PipelineState>(PIPELINE_IDS.map((id) => [id, initialPipelineState(id)]));
  let scoring: ScoringState = scoringDecider.initialState();
  const appends: Append[] = [];
  let events = 0;
  let interactions = 0;
  let clock = start;

  /** Decides the command on the state; appends and returns the new state, or undefined when it is refused. */
  const run = <C, S, E extends SalesEvent>(
    decider: Decider<C, S, E>,
    streamId: string,
    state: S,
    command: C,
    now: string,
  ): S | undefined => {
    let decided: E[];
    try {
      decided = decider.decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
    if (decided.length > 0) {
      const correlationId = uuid('c0000000', appends.length + 1);
      appends.push({
        streamId,
        events: decided.map((event) => ({
          id: uuid('e0000000', ++events),
          type: event.type,
          data: { ...event.data },
          metadata: {
            occurredAt: now,
            actor: 'test',
            correlationId,
            causationId: correlationId,
            schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
          },
        })),
      });
    }
    return decided.reduce(decider.evolve, state);
  };
  const pipelineOf = (n: number) => {
    const id = PIPELINE_IDS[n % PIPELINE_IDS.length]!;
    return { id, state: pipelines.get(id)! };
  };
  /** A pipeline for a deal to go to: mostly one that exists and is not `other`. */
  const pipelineFor = (n: number, other?: string) => {
    const id = aim(PIPELINE_IDS, n, (p) => p !== other && pipelines.get(p)!.status !== 'none')!;
    return { id, state: pipelines.get(id)! };
  };
  const runPipeline = (
    n: number,
    command: (pipelineId: string, state: PipelineState) => WithoutMetadata<PipelineCommand>,
    now: string,
  ) => {
    const { id, state } = pipelineOf(n);
    const next = run(
      pipelineDecider(id),
      pipelineStream(id),
      state,
      { ...command(id, state), metadata: { now } },
      now,
    );
    if (next) pipelines.set(id, next);
  };
  const runLead = (lead: { id: string; state: LeadState }, command: LeadCommand, now: string) => {
    const next = run(leadDecider, leadStream(lead.id), lead.state, command, now);
    if (next) lead.state = next;
  };
  const runDeal = (deal: { id: string; state: DealState }, command: DealCommand, now: string) => {
    const next = run(dealDecider, dealStream(deal.id), deal.state, command, now);
    if (next) deal.state = next;
  };
  /** The deal's own pipeline, as the use cases look it up. */
  const ownPipeline = (deal: DealState): PipelineState =>
    deal.status === 'none' ? { status: 'none' } : pipelines.get(deal.pipelineId)!;

  for (const action of actions) {
    clock += action.minutes * 60_000;
    const now = new Date(clock).toISOString();
    switch (action.kind) {
      case 'capture': {
        const lead = { id: uuid('10000000', leads.length + 1), state: leadDecider.initialState() };
        leads.push(lead);
        const n = leads.length;
        runLead(
          lead,
          {
            type: 'CaptureLead',
            data: {
              leadId: lead.id,
              name: `Lead ${n}`,
              email: `lead${n}@example.com`,
              source: action.source,
              ...(action.company === undefined ? {} : { company: action.company }),
              ...(action.phone === undefined ? {} : { phone: action.phone }),
              ...(action.campaign === undefined ? {} : { campaign: action.campaign }),
              ...(action.interest === undefined ? {} : { interest: action.interest }),
              ...(action.tags === undefined ? {} : { tags: action.tags }),
            },
            metadata: { now },
          },
          now,
        );
        break;
      }
      case 'qualify':
      case 'disqualify':
      case 'reactivate':
      case 'correctLead': {
        const lead = aim(leads, action.lead, ({ state }) =>
          action.kind === 'qualify' || action.kind === 'disqualify'
            ? state.status === 'captured'
            : action.kind === 'reactivate'
              ? state.status === 'disqualified'
              : true,
        );
        if (!lead) break;
        const leadId = lead.id;
        const command: LeadCommand =
          action.kind === 'qualify'
            ? {
                type: 'QualifyLead',
                data: { leadId, budget: action.budget, timeline: '2026-12-31' },
                metadata: { now },
              }
            : action.kind === 'disqualify'
              ? { type: 'DisqualifyLead', data: { leadId, reason: action.reason }, metadata: { now } }
              : action.kind === 'reactivate'
                ? { type: 'ReactivateLead', data: { leadId, reason: 'budget found' }, metadata: { now } }
                : {
                    type: 'UpdateLead',
                    data: {
                      leadId,
                      owner: action.owner,
                      ...(action.name === undefined ? {} : { name: action.name }),
                    },
                    metadata: { now },
                  };
        runLead(lead, command, now);
        break;
      }
      case 'create': {
        const lead = aim(
          leads,
          action.lead,
          (l) => l.state.status === 'qualified' && !deals.some((d) => d.id === dealIdForLead(l.id)),
        );
        if (!lead) break;
        const pipeline = pipelineFor(action.pipeline);
        const deal = { id: dealIdForLead(lead.id), state: dealDecider.initialState() };
        const existing = deals.find((d) => d.id === deal.id);
        const stage = stageAt(pipeline.state, action.stage);
        const command: DealCommand = {
          type: 'CreateDeal',
          data: {
            dealId: deal.id,
            leadId: lead.id,
            pipelineId: pipeline.id,
            pipeline: pipeline.state,
            title: 'Deal',
            value: action.value,
            expectedCloseDate: action.closeDate,
            ...(action.owner === undefined ? {} : { owner: action.owner }),
            ...(stage === undefined ? {} : { stage }),
            lead: lead.state,
          },
          metadata: { now },
        };
        runDeal(existing ?? deal, command, now);
        if (!existing && deal.state.status !== 'none') deals.push(deal);
        break;
      }
      case 'advance':
      case 'move':
      case 'update':
      case 'win':
      case 'lose':
      case 'reopen':
      case 'movePipeline': {
        const deal = aim(deals, action.deal, ({ state }) =>
          action.kind === 'reopen'
            ? state.status === 'won' || state.status === 'lost'
            : state.status === 'open',
        );
        if (!deal) break;
        const dealId = deal.id;
        const own = ownPipeline(deal.state);
        let command: DealCommand;
        switch (action.kind) {
          case 'advance':
          case 'move': {
            const stage = stageAt(own, action.stage) ?? 'nowhere';
            command =
              action.kind === 'advance'
                ? { type: 'AdvanceStage', data: { dealId, stage, pipeline: own }, metadata: { now } }
                : {
                    type: 'MoveDealToStage',
                    data: {
                      dealId,
                      stage,
                      pipeline: own,
                      ...(action.reason === undefined ? {} : { reason: action.reason }),
                    },
                    metadata: { now },
                  };
            break;
          }
          case 'update': {
            const { kind: _kind, deal: _deal, minutes: _minutes, closeDate: date, ...fields } = action;
            command = {
              type: 'UpdateDeal',
              data: { dealId, ...fields, ...(date === undefined ? {} : { expectedCloseDate: date }) },
              metadata: { now },
            };
            break;
          }
          case 'win':
            command = { type: 'WinDeal', data: { dealId }, metadata: { now } };
            break;
          case 'lose':
            command = {
              type: 'LoseDeal',
              data: {
                dealId,
                reason: action.reason,
                ...(action.competitor === undefined ? {} : { competitor: action.competitor }),
              },
              metadata: { now },
            };
            break;
          case 'reopen':
            command = {
              type: 'ReopenDeal',
              data: { dealId, reason: 'customer came back' },
              metadata: { now },
            };
            break;
          case 'movePipeline': {
            const target = pipelineFor(action.pipeline, own.status === 'none' ? undefined : own.pipelineId);
            const stage = stageAt(target.state, action.stage);
            command = {
              type: 'MoveDealToPipeline',
              data: {
                dealId,
                pipelineId: target.id,
                pipeline: target.state,
                ...(stage === undefined ? {} : { stage }),
              },
              metadata: { now },
            };
            break;
          }
        }
        runDeal(deal, command, now);
        break;
      }
      case 'definePipeline':
        runPipeline(
          action.pipeline,
          (pipelineId) => ({
            type: 'DefinePipeline',
            data: { pipelineId, name: `Pipeline ${pipelineId}`, stages: action.stages },
          }),
          now,
        );
        break;
      case 'renamePipeline':
        runPipeline(
          action.pipeline,
          (pipelineId) => ({ type: 'RenamePipeline', data: { pipelineId, name: action.name } }),
          now,
        );
        break;
      case 'updateStage':
        runPipeline(
          action.pipeline,
          (pipelineId, state) => ({
            type: 'UpdatePipelineStage',
            data: {
              pipelineId,
              stage: stageAt(state, action.stage) ?? 'nowhere',
              ...(action.name === undefined ? {} : { name: action.name }),
              ...(action.probability === undefined ? {} : { probability: action.probability }),
            },
          }),
          now,
        );
        break;
      case 'addStage':
        runPipeline(
          action.pipeline,
          (pipelineId, state) => {
            const after = stageAt(state, action.after);
            return {
              type: 'AddPipelineStage',
              data: {
                pipelineId,
                stage: action.stage,
                probability: action.probability,
                ...(after === undefined ? {} : { after }),
              },
            };
          },
          now,
        );
        break;
      case 'retireStage':
        runPipeline(
          action.pipeline,
          (pipelineId, state) => ({
            type: 'RetirePipelineStage',
            data: { pipelineId, stage: stageAt(state, action.stage) ?? 'nowhere' },
          }),
          now,
        );
        break;
      case 'reorderStages':
        runPipeline(
          action.pipeline,
          (pipelineId, state) => {
            const stages = state.status === 'none' ? [] : state.stages.map((s) => s.stage);
            const key = (i: number) => action.keys[i % action.keys.length] ?? 0;
            const order = stages.map((stage, i) => ({ stage, key: key(i) }));
            const stagesInOrder = order.sort((a, b) => a.key - b.key).map((s) => s.stage);
            return { type: 'ReorderPipelineStages', data: { pipelineId, stages: stagesInOrder } };
          },
          now,
        );
        break;
      case 'refineLead': {
        const lead = aim(leads, action.lead, () => true);
        if (!lead) break;
        const { kind: _kind, lead: _lead, minutes: _minutes, ...fields } = action;
        runLead(lead, { type: 'UpdateLead', data: { leadId: lead.id, ...fields }, metadata: { now } }, now);
        break;
      }
      case 'note':
      case 'scheduleActivity':
      case 'completeActivity': {
        const openActivities = (state: LeadState) =>
          state.status === 'none'
            ? []
            : Object.values(state.interactions.activities)
                .filter((a) => a.status === 'open')
                .map((a) => a.activityId)
                .sort();
        const lead = aim(leads, action.lead, ({ state }) =>
          action.kind === 'completeActivity'
            ? openActivities(state).length > 0
            : action.kind === 'scheduleActivity'
              ? state.status !== 'disqualified'
              : true,
        );
        if (!lead) break;
        interactions += 1;
        const open = openActivities(lead.state);
        const interaction: Interaction =
          action.kind === 'note'
            ? { type: 'AddNote', noteId: uuid('b0000000', interactions), text: 'Spoke to them' }
            : action.kind === 'scheduleActivity'
              ? {
                  type: 'ScheduleActivity',
                  activityId: uuid('a0000000', interactions),
                  activityType: action.type,
                  subject: 'Follow up',
                  dueAt: new Date(clock + 2 * DAY).toISOString(),
                }
              : {
                  type: 'CompleteActivity',
                  activityId: open[action.activity % Math.max(open.length, 1)] ?? uuid('a0000000', 0),
                  outcome: 'done',
                };
        runLead(
          lead,
          { type: 'RecordLeadInteraction', data: { leadId: lead.id, interaction }, metadata: { now } },
          now,
        );
        break;
      }
      case 'defineScoringRules': {
        const next = run(
          scoringDecider,
          SCORING_RULES_STREAM,
          scoring,
          { type: 'DefineScoringRules', data: { rules: action.rules }, metadata: { now } },
          now,
        );
        if (next) scoring = next;
        break;
      }
      default: {
        const exhaustive: never = action;
        return exhaustive;
      }
    }
  }
  return appends;
}

/** The appends as the store records them: per-stream revisions and increasing log positions from 1. */
export function recordedAppends(appends: readonly Append[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  const log: RecordedEvent[] = [];
  for (const { streamId, events } of appends) {
    for (const event of events) {
      const revision = revisions.get(streamId) ?? 0;
      revisions.set(streamId, revision + 1);
      log.push({ ...event, streamId, revision, position: BigInt(log.length + 1) });
    }
  }
  return log;
}

export async function write(store: EventStore, appends: readonly Append[]): Promise<void> {
  for (const append of appends) await store.appendToStream(append.streamId, append.events);
}
