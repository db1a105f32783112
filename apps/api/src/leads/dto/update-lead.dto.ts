import { MAX_TAGS } from '@app/domain';
import { Email, SlugList, Text } from '../../http/fields';

/** Merge semantics: only the fields sent change; null clears phone, company, interest and owner. */
export class UpdateLeadDto {
  @Text(200, { optional: true })
  name?: string;

  @Email({ optional: true })
  email?: string;

  @Text(50, { nullable: true })
  phone?: string | null;

  @Text(200, { nullable: true })
  company?: string | null;

  @Text(1000, { nullable: true, description: 'What the lead is interested in' })
  interest?: string | null;

  @SlugList(MAX_TAGS, { optional: true, description: 'The whole new list of tags', example: ['hot'] })
  tags?: string[];

  @Text(200, { nullable: true, description: 'Who works the lead; null: nobody', example: 'grace' })
  owner?: string | null;
}
