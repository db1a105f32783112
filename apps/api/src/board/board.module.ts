import { Module } from '@nestjs/common';
import { CommandsModule } from '@app/application';
import { ReportReader } from '../analytics/report-reader';
import { BoardController } from './board.controller';
import { GetBoardHandler } from './queries/get-board.handler';

@Module({
  imports: [CommandsModule],
  controllers: [BoardController],
  providers: [GetBoardHandler, ReportReader],
})
export class BoardModule {}
