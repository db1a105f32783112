import type { Principal } from '@app/application';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException, problemType } from '../http/problem';
import { ACCESS_KEY, type AccessPolicy, PUBLIC_KEY, allows, rolesFor } from './access-policy';

export const forbidden = (detail: string, code = 'FORBIDDEN') =>
  new ProblemException({ type: problemType('forbidden'), title: 'Not allowed', status: 403, detail, code });

/**
 * Lets a request through only if its key holds a role the route's access allows. A route that states no
 * access is refused to everyone: forgetting to say who may call a route closes it rather than opening it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_KEY, targets);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal: Principal | null = request.principal;
    if (!policy || !principal) throw forbidden('this route states no access: no key may call it');
    const asOf = (request.query as Record<string, unknown> | undefined)?.['asOf'] !== undefined;
    const access = asOf && policy.asOf ? policy.asOf : policy.access;
    if (!allows(principal, access)) {
      throw forbidden(
        `this key may not do this (${access}${asOf && policy.asOf ? ' as of a past moment' : ''}): ` +
          `it needs one of the roles ${rolesFor(access)}`,
        'ROLE_REQUIRED',
      );
    }
    return true;
  }
}
