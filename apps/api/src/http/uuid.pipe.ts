import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@app/event-store';
import { ProblemException } from './problem';

/** Path ids must be UUIDs; they are used lowercased so that one aggregate has one stream. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isUuid(value)) {
      const field = metadata.data ?? 'id';
      throw ProblemException.badRequest(`${field} must be a UUID`, [{ field, reason: 'must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}
