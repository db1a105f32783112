import { HttpException } from '@nestjs/common';

export interface FieldProblem {
  /** Where the problem is: a body field (`budget.amount`), a path or query parameter, or a header. */
  readonly field: string;
  readonly reason: string;
}

/** An RFC 9457 problem details document, as every error of the API is answered. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** A stable code for programs (the rule that refused a command, for example). */
  readonly code?: string;
  readonly errors?: readonly FieldProblem[];
  /** For /health: every check and its state. */
  readonly health?: unknown;
}

export const problemType = (slug: string): string => `urn:sales-pipeline:problem:${slug}`;

/** An error that is already a problem document. */
export class ProblemException extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem, problem.status);
  }

  static badRequest(
    detail: string,
    errors: readonly FieldProblem[],
    code = 'VALIDATION_FAILED',
  ): ProblemException {
    return new ProblemException({
      type: problemType('invalid-request'),
      title: 'The request is invalid',
      status: 400,
      detail,
      code,
      errors,
    });
  }
}
