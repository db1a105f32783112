/** POST /pipelines/{pipelineId}/stages/{stage}/retire takes an empty object. */
export class RetireStageDto {}
