import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, Matches, Max, Min } from 'class-validator';
import { Count, Optional, POSITION_PATTERN } from '../http/fields';
import { ReadQueryDto } from '../http/query-fields';

/** A tree size: a whole number of leaves, from 1. */
const TreeSize = (description: string) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description }),
    IsDefined({ message: '$property is required' }),
    Type(() => Number),
    IsInt({ message: '$property must be a whole number of leaves, from 1' }),
    Min(1, { message: '$property must be a whole number of leaves, from 1' }),
    Max(Number.MAX_SAFE_INTEGER, { message: '$property is larger than any tree' }),
  );

export class TreeHeadQueryDto extends ReadQueryDto {}

export class InclusionProofQueryDto extends ReadQueryDto {
  @ApiProperty({
    type: String,
    pattern: POSITION_PATTERN.source,
    description: 'The log position of the event',
  })
  @IsDefined({ message: '$property is required' })
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  position!: string;

  @TreeSize('The size of the tree to prove it in: the treeSize of a tree head you hold')
  treeSize!: number;
}

export class ConsistencyProofQueryDto extends ReadQueryDto {
  @TreeSize('The size of the earlier tree: the treeSize of the tree head you held')
  from!: number;

  @TreeSize('The size of the later tree, at least from: the treeSize of a newer tree head')
  to!: number;
}

export class StoredRecordsQueryDto {
  @ApiProperty({
    type: String,
    required: false,
    pattern: POSITION_PATTERN.source,
    description:
      'Records strictly after this log position (nextAfter of the previous page); from the start without it',
  })
  @Optional()
  @Matches(POSITION_PATTERN, { message: '$property must be a log position (digits)' })
  after?: string;

  @Count(1, 1000, 100)
  limit?: number;
}
