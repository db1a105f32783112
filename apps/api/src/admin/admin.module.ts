import { AccessModule } from '@app/application';
import { Module } from '@nestjs/common';
import { IssueKeyHandler, RevokeKeyHandler } from './keys.commands';
import { KeysController } from './keys.controller';
import { MeController } from './me.controller';

@Module({
  imports: [AccessModule],
  controllers: [KeysController, MeController],
  providers: [IssueKeyHandler, RevokeKeyHandler],
})
export class AdminModule {}
