import { MerkleTreeReader, ReadStore } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProblemException } from '../../http/problem';
import { ReadGate } from '../../read-side/read-gate';
import type { ConsistencyProofView } from '../proofs.views';
import { treeNotReached } from '../tree-problems';
import { GetConsistencyProofQuery } from './get-consistency-proof.query';

@QueryHandler(GetConsistencyProofQuery)
export class GetConsistencyProofHandler implements IQueryHandler<GetConsistencyProofQuery> {
  constructor(
    private readonly gate: ReadGate,
    private readonly store: ReadStore,
  ) {}

  async execute({ from, to, minPosition }: GetConsistencyProofQuery): Promise<ConsistencyProofView> {
    if (from > to) {
      throw ProblemException.badRequest('from must not be larger than to', [
        { field: 'from', reason: 'must be at most to' },
      ]);
    }
    await this.gate.reached(minPosition);
    return this.store.snapshot(async (docs) => {
      const tree = new MerkleTreeReader(docs);
      const size = await tree.size();
      if (to > size) throw treeNotReached('to', to, size);
      const path = await tree.consistencyProof(from, to);
      return { from, to, path: path.map((hash) => hash.toString('hex')) };
    });
  }
}
