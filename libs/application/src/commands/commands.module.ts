import { Module } from '@nestjs/common';
import { DealCommands } from '../use-cases/deal-commands';
import { InteractionCommands } from '../use-cases/interactions';
import { LeadCommands } from '../use-cases/lead-commands';
import { PersonalDataCommands } from '../use-cases/personal-data';
import { PipelineCommands } from '../use-cases/pipeline-commands';
import { ScoringCommands } from '../use-cases/scoring-commands';
import { AggregateCommandExecutor } from './aggregate-command.executor';
import { AggregateLoader } from './aggregate-loader';
import { KeyedIds } from './keyed-ids';

/** The command path and the use cases every command handler and the automation call, one place for each. */
@Module({
  providers: [
    AggregateCommandExecutor,
    AggregateLoader,
    KeyedIds,
    LeadCommands,
    DealCommands,
    InteractionCommands,
    PipelineCommands,
    ScoringCommands,
    PersonalDataCommands,
  ],
  exports: [
    AggregateCommandExecutor,
    AggregateLoader,
    LeadCommands,
    DealCommands,
    InteractionCommands,
    PipelineCommands,
    ScoringCommands,
    PersonalDataCommands,
  ],
})
export class CommandsModule {}
