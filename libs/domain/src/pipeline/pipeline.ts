/** The default sales pipeline, in order, with the win probability (percent) used for weighted value. */
export const PIPELINE = [
  { stage: 'qualification', probability: 10 },
  { stage: 'demo', probability: 30 },
  { stage: 'proposal', probability: 60 },
  { stage: 'negotiation', probability: 80 },
] as const;

export type Stage = (typeof PIPELINE)[number]['stage'];

export const STAGES: readonly Stage[] = PIPELINE.map((s) => s.stage);

export const FIRST_STAGE: Stage = PIPELINE[0].stage;

export const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

/** Position of a stage in the pipeline (0 for the first). */
export const stageIndex = (stage: Stage): number => STAGES.indexOf(stage);

export const stageProbability = (stage: Stage): number => PIPELINE[stageIndex(stage)]?.probability ?? 0;
