import {
  type PipelineEvent,
  type PipelineState,
  evolvePipeline,
  initialPipelineState,
  pipelineStream,
} from '@app/domain';
import type { EventStore, Position, RecordedEvent } from '@app/event-store';

/**
 * Pipelines' configurations at any point of the log, each pipeline's stream read once: what a deal's history
 * needs to show the probability in effect after each of its events.
 */
export class PipelineTimeline {
  private readonly streams = new Map<string, Promise<RecordedEvent[]>>();

  constructor(private readonly events: EventStore) {}

  async at(pipelineId: string, position: Position): Promise<PipelineState> {
    let stream = this.streams.get(pipelineId);
    if (!stream) {
      stream = this.events.readStream(pipelineStream(pipelineId));
      this.streams.set(pipelineId, stream);
    }
    let state = initialPipelineState(pipelineId);
    for (const event of await stream) {
      if (event.position > position) break;
      state = evolvePipeline(state, event as unknown as PipelineEvent);
    }
    return state;
  }
}
