import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { AdvanceStageHandler } from './commands/advance-stage.handler';
import { CreateDealHandler } from './commands/create-deal.handler';
import { LoseDealHandler } from './commands/lose-deal.handler';
import { MoveDealToPipelineHandler } from './commands/move-deal-to-pipeline.handler';
import { MoveDealHandler } from './commands/move-deal.handler';
import { ReopenDealHandler } from './commands/reopen-deal.handler';
import { UpdateDealHandler } from './commands/update-deal.handler';
import { WinDealHandler } from './commands/win-deal.handler';
import { DealsController } from './deals.controller';
import { GetDealHistoryHandler } from './queries/get-deal-history.handler';
import { GetDealHandler } from './queries/get-deal.handler';
import { ListDealsHandler } from './queries/list-deals.handler';
import { ReportReader } from '../analytics/report-reader';

@Module({
  imports: [CommandsModule],
  controllers: [DealsController],
  providers: [
    CreateDealHandler,
    AdvanceStageHandler,
    MoveDealHandler,
    UpdateDealHandler,
    WinDealHandler,
    LoseDealHandler,
    ReopenDealHandler,
    MoveDealToPipelineHandler,
    GetDealHandler,
    GetDealHistoryHandler,
    ListDealsHandler,
    ReportReader,
  ],
})
export class DealsModule {}
