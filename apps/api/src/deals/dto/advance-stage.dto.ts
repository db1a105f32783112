import { Slug } from '../../http/fields';

export class AdvanceStageDto {
  @Slug({
    description:
      "A later active stage of the deal's pipeline (stages may be skipped; POST /deals/{dealId}/move also goes back)",
    example: 'proposal',
  })
  stage!: string;
}
