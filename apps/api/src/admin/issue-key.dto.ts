import { ROLES, type Role } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn } from 'class-validator';
import { Optional, Text } from '../http/fields';

export class IssueKeyDto {
  @Text(100, {
    description: 'Who or what will use the key: recorded as the actor of what it does',
    example: 'crm-sync',
  })
  name!: string;

  @ApiProperty({ type: [String], enum: ROLES, minItems: 1, example: ['service'] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1, { message: '$property must hold at least one role' })
  @ArrayMaxSize(ROLES.length)
  @IsIn([...ROLES], { each: true, message: `each of $property must be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiProperty({
    required: false,
    default: false,
    description: 'A service key may send lead and deal commands',
  })
  @Optional()
  @IsBoolean()
  commands?: boolean;

  @ApiProperty({
    required: false,
    default: false,
    description: 'A service key may name the person it acts for in X-On-Behalf-Of',
  })
  @Optional()
  @IsBoolean()
  actOnBehalf?: boolean;

  @ApiProperty({
    required: false,
    default: false,
    description: 'A service key sees the personal fields of leads',
  })
  @Optional()
  @IsBoolean()
  personalData?: boolean;
}
