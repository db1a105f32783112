import { ApiKeys, type CommandMeta, type CommandResult, type IssuedKey } from '@app/application';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { IssueKeyDto } from './issue-key.dto';

export class IssueKeyCommand extends Command<IssuedKey> {
  constructor(
    readonly input: IssueKeyDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(IssueKeyCommand)
export class IssueKeyHandler implements ICommandHandler<IssueKeyCommand> {
  constructor(private readonly keys: ApiKeys) {}

  execute({ input, meta }: IssueKeyCommand) {
    const { name, roles, commands = false, actOnBehalf = false, personalData = false } = input;
    return this.keys.issue({ name, roles, commands, actOnBehalf, personalData }, meta);
  }
}

export class RevokeKeyCommand extends Command<CommandResult> {
  constructor(
    readonly keyId: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand> {
  constructor(private readonly keys: ApiKeys) {}

  execute({ keyId, meta }: RevokeKeyCommand) {
    return this.keys.revoke(keyId, meta);
  }
}
