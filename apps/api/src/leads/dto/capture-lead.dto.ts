import { MAX_TAGS } from '@app/domain';
import { Email, SlugList, Slug, Text, Uuid } from '../../http/fields';

export class CaptureLeadDto {
  @Uuid({ optional: true, description: 'Your own id for the lead, so that a retry cannot capture it twice' })
  leadId?: string;

  @Text(200, { example: 'Ada Lovelace' })
  name!: string;

  @Email({ example: 'ada@example.com' })
  email!: string;

  @Text(200, { optional: true, example: 'Analytical Engines Ltd' })
  company?: string;

  @Text(50, { optional: true, example: '+44 20 7946 0000' })
  phone?: string;

  @Slug({
    description:
      'Where the lead came from: web_form, landing_page, social_media, referral, event, paid_ads, cold_outreach, other, or another slug',
    example: 'web_form',
  })
  source!: string;

  @Text(100, { optional: true, example: 'spring-2026' })
  campaign?: string;

  @Text(1000, { optional: true, description: 'What the lead first showed interest in' })
  interest?: string;

  @SlugList(MAX_TAGS, { optional: true, example: ['enterprise', 'hot'] })
  tags?: string[];
}
