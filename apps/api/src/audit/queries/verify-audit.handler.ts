import { type AuditReport, EventStore, auditStore } from '@app/event-store';
import { SEALED_EVENTS } from '@app/application';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { VerifyAuditQuery } from './verify-audit.query';

@QueryHandler(VerifyAuditQuery)
export class VerifyAuditHandler implements IQueryHandler<VerifyAuditQuery> {
  constructor(@Inject(SEALED_EVENTS) private readonly store: EventStore) {}

  execute({ stream }: VerifyAuditQuery): Promise<AuditReport> {
    return auditStore(this.store, {
      ...(stream === undefined ? {} : { stream }),
      gapless: this.store.gaplessPositions,
    });
  }
}
