import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { type FieldProblem, ProblemException } from './problem';

/**
 * Validates a JSON body (or a query string) against its DTO class: every field checked, unknown fields refused, and each
 * problem reported with the field's path (`budget.amount`) and the reason.
 */
@Injectable()
export class BodyPipe implements PipeTransform<unknown, Promise<unknown>> {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!['body', 'query'].includes(metadata.type) || !metadata.metatype || metadata.metatype === Object) {
      return value;
    }
    const body = value ?? {};
    if (metadata.type === 'query') {
      const repeated = Object.entries(body as Record<string, unknown>).find(([, v]) => Array.isArray(v));
      if (repeated) {
        throw ProblemException.badRequest(`${repeated[0]} is given more than once`, [
          { field: repeated[0], reason: 'must be given once' },
        ]);
      }
    }
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw ProblemException.badRequest('the body must be a JSON object', [
        { field: 'body', reason: 'must be a JSON object' },
      ]);
    }
    const instance = plainToInstance<object, object>(metadata.metatype as new () => object, body);
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) {
      const problems = flatten(errors);
      throw ProblemException.badRequest(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), problems);
    }
    return instance;
  }
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([name, message]) => ({
      field,
      reason: name === 'whitelistValidation' ? 'is not a known field' : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
