import {
  DEFAULT_PIPELINE,
  DEFAULT_PIPELINE_ID,
  type DefinedPipeline,
  evolvePipeline,
  initialPipelineState,
  isPipelineEvent,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, DocLookup, DocRef, DocumentReader, Projection } from '../projection';

export const PIPELINES = 'pipelines';

/** A pipeline's configuration as it stands (folded with the domain's own evolve), and its stream revision. */
export type PipelineDoc = Doc & DefinedPipeline & { readonly revision: number };

const ref = (event: RecordedEvent): DocRef => ({
  collection: PIPELINES,
  id: event.streamId.slice('pipeline-'.length),
});

/**
 * The pipelines' configuration: names, stages in order, probabilities, rotting periods, retirements. Reports
 * read the probabilities in effect from here, so an as-of report folds this projection up to its moment.
 */
export const pipelinesProjection: Projection = {
  readsPersonalData: false,
  name: 'pipelines',
  version: 1,
  collections: [{ name: PIPELINES, indexes: [] }],
  touches: (event) => (isPipelineEvent(event) ? [ref(event)] : []),
  evolve(event: RecordedEvent, docs: DocLookup): DocChange[] {
    if (!isPipelineEvent(event)) return [];
    const { collection, id } = ref(event);
    const current = (docs(collection, id) as PipelineDoc | undefined) ?? initialPipelineState(id);
    const next = evolvePipeline(current, event);
    if (next.status === 'none') return [];
    return [{ collection, id, doc: { ...next, id, revision: event.revision } }];
  },
};

/** The default pipeline as built in, before anyone changed it: revision -1, its stream is empty. */
const builtInDefault = (): PipelineDoc => ({ ...DEFAULT_PIPELINE, id: DEFAULT_PIPELINE_ID, revision: -1 });

/** A pipeline's configuration, or undefined when no such pipeline exists (the default pipeline always does). */
export async function findPipeline(
  reader: DocumentReader,
  pipelineId: string,
): Promise<PipelineDoc | undefined> {
  const doc = await reader.get<PipelineDoc>(PIPELINES, pipelineId);
  return doc ?? (pipelineId === DEFAULT_PIPELINE_ID ? builtInDefault() : undefined);
}

/** Every pipeline: the default one first, then the others by name. */
export async function listPipelines(reader: DocumentReader): Promise<PipelineDoc[]> {
  const docs = await reader.find<PipelineDoc>(PIPELINES, {});
  const others = docs
    .filter((doc) => doc.id !== DEFAULT_PIPELINE_ID)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  return [(await findPipeline(reader, DEFAULT_PIPELINE_ID))!, ...others];
}

/** The win probabilities in effect, per pipeline and stage, for reports that weigh open deals. */
export class StageProbabilities {
  private readonly byPipeline = new Map<string, Map<string, number>>();

  constructor(pipelines: readonly DefinedPipeline[]) {
    for (const pipeline of pipelines) {
      this.byPipeline.set(pipeline.pipelineId, new Map(pipeline.stages.map((s) => [s.stage, s.probability])));
    }
  }

  /** The stage's probability, 0 for a stage or pipeline not known. */
  of(pipelineId: string, stage: string): number {
    return this.byPipeline.get(pipelineId)?.get(stage) ?? 0;
  }

  /** A deal's probability: its own override when set, else its stage's. */
  forDeal(deal: { pipelineId: string; stage: string; probabilityOverride: number | null }): number {
    return deal.probabilityOverride ?? this.of(deal.pipelineId, deal.stage);
  }
}
