import { MAX_STAGES } from '@app/domain';
import { SlugList } from '../../http/fields';

export class ReorderStagesDto {
  @SlugList(MAX_STAGES, {
    description: 'Every stage of the pipeline exactly once, retired ones included, in the new order',
    example: ['qualification', 'proposal', 'demo', 'negotiation'],
  })
  stages!: string[];
}
