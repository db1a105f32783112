import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, getMetadataStorage, validate } from 'class-validator';
import { hostileInput } from '../edge/hostile-input';
import { type FieldProblem, ProblemException } from './problem';

/**
 * Validates a JSON body (or a query string) against its DTO class: every field checked, unknown fields refused, and each
 * problem reported with the field's path (`budget.amount`) and the reason. Keys named after Object.prototype
 * members (`constructor`, `toString`...), which class-validator's unknown-field check takes for known fields,
 * ill-formed Unicode and excessive nesting are refused first (hostileInput), before class-transformer and the
 * validators meet them.
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
    const hostile = hostileInput(body, metadata.type);
    if (hostile.length > 0) {
      throw ProblemException.badRequest(hostile.map((p) => `${p.field}: ${p.reason}`).join('; '), hostile);
    }
    const metatype = metadata.metatype as new () => object;
    if (!hasFields(metatype)) {
      // A body without fields ({} for retiring a stage): class-validator has nothing to check it against.
      const unknown = Object.keys(body);
      if (unknown.length === 0) return new metatype();
      const problems = unknown.map((field) => ({ field, reason: 'is not a known field' }));
      throw ProblemException.badRequest(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), problems);
    }
    const instance = plainToInstance<object, object>(metatype, body);
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

const hasFields = (metatype: new () => object): boolean =>
  getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;

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
