import { SEALED_EVENTS } from '@app/application';
import { EventStore, storedRecordOf } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { StoredRecordPageView } from '../proofs.views';
import { ListStoredRecordsQuery } from './list-stored-records.query';

/** The log as stored, page by page: exactly what the leaves of the Merkle tree hash, for an offline check. */
@QueryHandler(ListStoredRecordsQuery)
export class ListStoredRecordsHandler implements IQueryHandler<ListStoredRecordsQuery> {
  constructor(@Inject(SEALED_EVENTS) private readonly store: EventStore) {}

  async execute({ after, limit }: ListStoredRecordsQuery): Promise<StoredRecordPageView> {
    const events = await this.store.readAll({ after, maxCount: limit });
    const records = events.map((event) => {
      const { id, streamId, revision, type, data, metadata } = storedRecordOf(event);
      return { position: event.position.toString(), id, streamId, revision, type, data, metadata };
    });
    return { records, nextAfter: (events.at(-1)?.position ?? after).toString() };
  }
}
