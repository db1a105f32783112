import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { CaptureLeadHandler } from './commands/capture-lead.handler';
import { DisqualifyLeadHandler } from './commands/disqualify-lead.handler';
import { QualifyLeadHandler } from './commands/qualify-lead.handler';
import { ReactivateLeadHandler } from './commands/reactivate-lead.handler';
import { UpdateLeadHandler } from './commands/update-lead.handler';
import { LeadsController } from './leads.controller';
import { GetLeadHistoryHandler } from './queries/get-lead-history.handler';
import { GetLeadHandler } from './queries/get-lead.handler';
import { ListLeadsHandler } from './queries/list-leads.handler';

@Module({
  imports: [CommandsModule],
  controllers: [LeadsController],
  providers: [
    CaptureLeadHandler,
    QualifyLeadHandler,
    DisqualifyLeadHandler,
    UpdateLeadHandler,
    ReactivateLeadHandler,
    GetLeadHandler,
    GetLeadHistoryHandler,
    ListLeadsHandler,
  ],
})
export class LeadsModule {}
