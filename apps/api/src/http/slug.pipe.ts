import { SLUG_PATTERN } from '@app/domain';
import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem';

/** Path slugs (pipeline ids, stages): lowercase words joined by _ or -, at most 50 characters. */
@Injectable()
export class SlugPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (value.length > 50 || !SLUG_PATTERN.test(value)) {
      const field = metadata.data ?? 'id';
      throw ProblemException.badRequest(`${field} must be a lowercase slug`, [
        { field, reason: 'must be a lowercase slug of at most 50 characters, such as enterprise' },
      ]);
    }
    return value;
  }
}
