import type { TreeHead } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

export class GetTreeHeadQuery extends Query<TreeHead> {
  constructor(readonly minPosition: bigint | undefined) {
    super();
  }
}
