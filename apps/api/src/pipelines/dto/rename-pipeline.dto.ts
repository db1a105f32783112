import { Text } from '../../http/fields';

export class RenamePipelineDto {
  @Text(100, { example: 'Enterprise sales (EMEA)' })
  name!: string;
}
