import type { AuditReport } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

export class VerifyAuditQuery extends Query<AuditReport> {
  constructor(readonly stream: string | undefined) {
    super();
  }
}
