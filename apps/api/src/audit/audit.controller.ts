import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Optional } from '../http/fields';
import { QueryDocs } from '../http/openapi-docs';
import { VerifyAuditQuery } from './queries/verify-audit.query';

export class VerifyAuditQueryDto {
  @ApiProperty({
    required: false,
    description: 'One stream to check, such as deal-<id>; all streams when absent',
  })
  @Optional()
  @Matches(/^(lead|deal)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: '$property must be a stream name: lead-<uuid> or deal-<uuid>',
  })
  stream?: string;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('verify')
  @QueryDocs()
  @ApiOkResponse({
    description:
      'Recomputes the tamper-evidence chain of every stream (or one): { streams, events, verified, broken: [{ streamId, revision }], missingPositions }',
  })
  verify(@Query() query: VerifyAuditQueryDto) {
    return this.queries.execute(new VerifyAuditQuery(query.stream));
  }
}
