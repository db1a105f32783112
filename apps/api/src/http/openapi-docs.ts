import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';

const problem = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });

/** What every route but health and the documentation may answer about the key it was called with. */
const ACCESS_PROBLEMS = () => [
  problem(401, 'No API key, or one that is unknown or revoked (WWW-Authenticate: Bearer)'),
  problem(403, 'The key holds none of the roles this route needs (the detail names them)'),
];

/** The answers of a route that only says who its key is: the key's own problems. */
export const KeyDocs = () => applyDecorators(...ACCESS_PROBLEMS());

/** The headers and error answers every command route shares, for the OpenAPI document. */
export const CommandDocs = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-On-Behalf-Of',
      required: false,
      description:
        'The person a service key issued with actOnBehalf acts for, recorded beside the key (403 for other keys). ' +
        'X-Actor is ignored: the actor is the API key.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The revision you read ("3"): write only if it is still current',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A retry with the same key and body returns the first answer',
    }),
    problem(400, 'Malformed JSON, a missing, invalid or unknown field, or a bad header'),
    problem(404, 'Unknown lead, deal or pipeline, or a stage named in the path'),
    problem(409, 'The rules forbid the command in the current state (the code says which rule)'),
    problem(412, 'If-Match does not match the current revision'),
    problem(413, 'Body larger than the limit'),
    problem(415, 'The body is not JSON'),
    problem(422, 'Idempotency-Key reused with a different request'),
    ...ACCESS_PROBLEMS(),
  );

export const QueryDocs = () =>
  applyDecorators(
    problem(400, 'A bad parameter'),
    problem(404, 'Unknown lead, deal or pipeline'),
    ...ACCESS_PROBLEMS(),
  );
