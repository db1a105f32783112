import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { POSITION_PATTERN } from './fields';
import { ProblemException } from './problem';

/** minPosition from the query string, or else the X-Min-Position header, as a log position. */
export const MinPosition = createParamDecorator(
  (_: unknown, context: ExecutionContext): bigint | undefined => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.['minPosition'];
    const value = typeof fromQuery === 'string' ? fromQuery : request.headers['x-min-position'];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !POSITION_PATTERN.test(value)) {
      throw ProblemException.badRequest('minPosition must be a log position', [
        {
          field: typeof fromQuery === 'string' ? 'minPosition' : 'X-Min-Position',
          reason: 'must be a log position (digits)',
        },
      ]);
    }
    return BigInt(value);
  },
);
