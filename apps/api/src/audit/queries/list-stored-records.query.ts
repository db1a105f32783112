import { Query } from '@nestjs/cqrs';
import type { StoredRecordPageView } from '../proofs.views';

export class ListStoredRecordsQuery extends Query<StoredRecordPageView> {
  constructor(
    readonly after: bigint,
    readonly limit: number,
  ) {
    super();
  }
}
