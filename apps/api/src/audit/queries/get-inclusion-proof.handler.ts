import { MerkleTreeReader, ReadStore } from '@app/read-models';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadGate } from '../../read-side/read-gate';
import type { InclusionProofView } from '../proofs.views';
import { notInTree, treeNotReached } from '../tree-problems';
import { GetInclusionProofQuery } from './get-inclusion-proof.query';

@QueryHandler(GetInclusionProofQuery)
export class GetInclusionProofHandler implements IQueryHandler<GetInclusionProofQuery> {
  constructor(
    private readonly gate: ReadGate,
    private readonly store: ReadStore,
  ) {}

  async execute({ position, treeSize, minPosition }: GetInclusionProofQuery): Promise<InclusionProofView> {
    await this.gate.reached(minPosition);
    return this.store.snapshot(async (docs) => {
      const tree = new MerkleTreeReader(docs);
      const size = await tree.size();
      if (treeSize > size) throw treeNotReached('treeSize', treeSize, size);
      const proof = await tree.inclusionProof(position, treeSize);
      if (!proof) throw notInTree(position, treeSize);
      return {
        position: position.toString(),
        treeSize,
        leafIndex: proof.leafIndex,
        leafHash: proof.leafHash.toString('hex'),
        path: proof.path.map((hash) => hash.toString('hex')),
      };
    });
  }
}
