import { CommandsModule } from '@app/application';
import { Module } from '@nestjs/common';
import { PersonalDataController } from './personal-data.controller';
import { EraseLeadHandler, GetPersonalDataHandler } from './personal-data.handlers';

@Module({
  imports: [CommandsModule],
  controllers: [PersonalDataController],
  providers: [EraseLeadHandler, GetPersonalDataHandler],
})
export class PersonalDataModule {}
