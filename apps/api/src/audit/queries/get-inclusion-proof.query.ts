import { Query } from '@nestjs/cqrs';
import type { InclusionProofView } from '../proofs.views';

export class GetInclusionProofQuery extends Query<InclusionProofView> {
  constructor(
    readonly position: bigint,
    readonly treeSize: number,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}
