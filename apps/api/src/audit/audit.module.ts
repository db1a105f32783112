import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { VerifyAuditHandler } from './queries/verify-audit.handler';

@Module({
  controllers: [AuditController],
  providers: [VerifyAuditHandler],
})
export class AuditModule {}
