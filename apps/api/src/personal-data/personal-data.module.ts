import { CommandsModule, DataKeys } from '@app/application';
import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { PersonalDataController } from './personal-data.controller';
import { EraseLeadHandler, GetPersonalDataHandler } from './personal-data.handlers';

/** The API captures leads: the keys of the first new persons are made while it starts, not on their request. */
@Injectable()
class FreshKeysAtStart implements OnApplicationBootstrap {
  constructor(private readonly keys: DataKeys) {}

  onApplicationBootstrap(): void {
    this.keys.warmUp();
  }
}

@Module({
  imports: [CommandsModule],
  controllers: [PersonalDataController],
  providers: [EraseLeadHandler, GetPersonalDataHandler, FreshKeysAtStart],
})
export class PersonalDataModule {}
