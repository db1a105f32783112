import { Query } from '@nestjs/cqrs';
import type { ConsistencyProofView } from '../proofs.views';

export class GetConsistencyProofQuery extends Query<ConsistencyProofView> {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}
