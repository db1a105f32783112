import { personalFieldsOf } from '@app/domain';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Observable, map } from 'rxjs';
import { seesPersonalData } from './access-policy';

/** What a masked personal field reads: the field is there, its value is not shown. */
export const MASKED = '***';

/**
 * The personal fields of the views: who the person is and how to reach them, and a deal's title (made from
 * them). The events' are the domain's personalFieldsOf.
 */
const PERSONAL_FIELDS = ['name', 'email', 'phone', 'company', 'title'] as const;

const mask = (value: unknown): unknown => (value === null || value === undefined ? value : MASKED);

/** What people wrote about the person in a lead's qualification or disqualification (see personalFieldsOf). */
const PERSONAL_NOTES = {
  qualification: ['authority', 'need', 'note'],
  disqualification: ['note'],
} as const;

/** A lead or deal view (or any object with a lead's personal fields) with those fields masked. */
export function maskedLead<T extends object>(lead: T): T {
  const copy = { ...lead } as Record<string, unknown>;
  for (const field of PERSONAL_FIELDS) if (field in copy) copy[field] = mask(copy[field]);
  for (const [part, fields] of Object.entries(PERSONAL_NOTES)) {
    const nested = copy[part];
    if (nested === null || typeof nested !== 'object') continue;
    const masked = { ...(nested as Record<string, unknown>) };
    for (const field of fields) if (field in masked) masked[field] = mask(masked[field]);
    copy[part] = masked;
  }
  return copy as T;
}

/** An event's data with the personal fields it carries masked (the domain's personalFieldsOf). */
export function maskedEventData(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const personal = personalFieldsOf({ type, data });
  if (!personal) return data;
  const copy = { ...data };
  for (const field of personal.fields) if (field in copy) copy[field] = mask(copy[field]);
  return copy;
}

/** Whether the request's key is shown personal fields in clear. */
export const showsPersonalData = (request: FastifyRequest): boolean =>
  request.principal !== null && seesPersonalData(request.principal);

/** The answers that hold leads or deals: one view, a page of them, or a board's columns of deals. */
function maskedAnswer(answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object') return answer;
  const { items, columns } = answer as { items?: unknown; columns?: unknown };
  if (Array.isArray(items)) return { ...answer, items: items.map((item: object) => maskedLead(item)) };
  if (Array.isArray(columns)) {
    const masked = columns.map((column: { deals: object[] }) => ({
      ...column,
      deals: column.deals.map((deal) => maskedLead(deal)),
    }));
    return { ...answer, columns: masked };
  }
  return maskedLead(answer);
}

/**
 * Masks the personal fields of the leads or deals a route answers (see maskedAnswer) for keys that may not see
 * them: analysts, and service keys issued without personalData.
 */
@Injectable()
export class MaskPersonalData implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (showsPersonalData(request)) return next.handle();
    return next.handle().pipe(map(maskedAnswer));
  }
}
