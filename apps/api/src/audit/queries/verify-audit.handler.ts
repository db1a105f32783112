import { type AuditReport, EventStore, auditStore } from '@app/event-store';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { VerifyAuditQuery } from './verify-audit.query';

@QueryHandler(VerifyAuditQuery)
export class VerifyAuditHandler implements IQueryHandler<VerifyAuditQuery> {
  constructor(private readonly store: EventStore) {}

  execute({ stream }: VerifyAuditQuery): Promise<AuditReport> {
    return auditStore(this.store, {
      ...(stream === undefined ? {} : { stream }),
      gapless: this.store.gaplessPositions,
    });
  }
}
