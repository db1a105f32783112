import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { AdvanceStageHandler } from './commands/advance-stage.handler';
import { CreateDealHandler } from './commands/create-deal.handler';
import { LoseDealHandler } from './commands/lose-deal.handler';
import { WinDealHandler } from './commands/win-deal.handler';
import { DealsController } from './deals.controller';
import { GetDealHistoryHandler } from './queries/get-deal-history.handler';
import { GetDealHandler } from './queries/get-deal.handler';
import { ListDealsHandler } from './queries/list-deals.handler';

@Module({
  imports: [CommandsModule],
  controllers: [DealsController],
  providers: [
    CreateDealHandler,
    AdvanceStageHandler,
    WinDealHandler,
    LoseDealHandler,
    GetDealHandler,
    GetDealHistoryHandler,
    ListDealsHandler,
  ],
})
export class DealsModule {}
