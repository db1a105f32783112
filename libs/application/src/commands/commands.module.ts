import { Module } from '@nestjs/common';
import { AggregateCommandExecutor } from './aggregate-command.executor';
import { AggregateLoader } from './aggregate-loader';

@Module({
  providers: [AggregateCommandExecutor, AggregateLoader],
  exports: [AggregateCommandExecutor, AggregateLoader],
})
export class CommandsModule {}
