import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Observable, tap } from 'rxjs';

/** Every answer that carries an aggregate's revision gets it as its ETag, for If-Match on the next command. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      tap((body: unknown) => {
        const revision = (body as { revision?: unknown } | null)?.revision;
        if (typeof revision === 'number') void reply.header('etag', `"${revision}"`);
      }),
    );
  }
}
