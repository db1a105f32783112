import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuditReportView } from './audit-report.view';
import { Matches } from 'class-validator';
import { Optional } from '../http/fields';
import { QueryDocs } from '../http/openapi-docs';
import { VerifyAuditQuery } from './queries/verify-audit.query';
import { Allow } from '../access/access-policy';

export class VerifyAuditQueryDto {
  @ApiProperty({
    required: false,
    pattern: '^(lead|deal)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
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
  @ApiOperation({
    operationId: 'verifyAudit',
    summary: 'Verify the tamper-evidence chain of every stream, or of one',
  })
  @Allow('audit')
  @QueryDocs()
  @ApiOkResponse({
    type: AuditReportView,
    description:
      'Recomputes the tamper-evidence chain of every stream (or one): which streams break, where, and which positions are missing',
  })
  verify(@Query() query: VerifyAuditQueryDto) {
    return this.queries.execute(new VerifyAuditQuery(query.stream));
  }
}
