import { Command } from '@nestjs/cqrs';
import type { CaptureResult, CommandMeta } from '@app/application';
import type { CaptureLeadDto } from '../dto/capture-lead.dto';

export class CaptureLeadCommand extends Command<CaptureResult> {
  constructor(
    readonly input: CaptureLeadDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}
