import type { TreeHead } from '@app/event-store';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadGate } from '../../read-side/read-gate';
import { TreeHeadSigner } from '../tree-head-signer';
import { GetTreeHeadQuery } from './get-tree-head.query';

@QueryHandler(GetTreeHeadQuery)
export class GetTreeHeadHandler implements IQueryHandler<GetTreeHeadQuery> {
  constructor(
    private readonly gate: ReadGate,
    private readonly signer: TreeHeadSigner,
  ) {}

  async execute({ minPosition }: GetTreeHeadQuery): Promise<TreeHead> {
    await this.gate.reached(minPosition);
    return this.signer.current();
  }
}
