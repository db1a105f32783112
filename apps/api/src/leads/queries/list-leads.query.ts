import { Query } from '@nestjs/cqrs';
import type { ListLeadsQueryDto } from '../../http/query-fields';
import type { LeadView } from '../lead.view';

export interface LeadPage {
  readonly items: LeadView[];
  readonly nextCursor: string | null;
}

export class ListLeadsQuery extends Query<LeadPage> {
  constructor(
    readonly filters: ListLeadsQueryDto,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}
