import { ApiKeys, type CommandMeta } from '@app/application';
import { notFound } from '@app/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/access-policy';
import { CommandDocs, QueryDocs } from '../http/openapi-docs';
import { ProblemException } from '../http/problem';
import { RequestMeta } from '../http/request-meta.decorator';
import { UuidPipe } from '../http/uuid.pipe';
import { IssueKeyDto } from './issue-key.dto';
import { IssueKeyCommand, RevokeKeyCommand } from './keys.commands';
import { IssuedKeyView, KeyListView, KeyView, keyView } from './key.view';

@ApiTags('admin')
@Controller('admin/keys')
@Allow('keys')
export class KeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly keys: ApiKeys,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'issueKey',
    summary: 'Issue an API key',
    description:
      'The answer holds the secret (`key`) this once: the service keeps only its hash. ApiKeyIssued is recorded ' +
      '(who issued which key for what, never the secret). Idempotency-Key is refused: a retry could not show the ' +
      'secret again.',
  })
  @CommandDocs()
  @ApiCreatedResponse({
    type: IssuedKeyView,
    description: 'The key was issued',
    headers: {
      'Cache-Control': {
        description: 'no-store: no cache may keep the secret',
        schema: { type: 'string', example: 'no-store' },
      },
    },
  })
  async issue(
    @Body() body: IssueKeyDto,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssuedKeyView> {
    if (meta.idempotency) {
      throw ProblemException.badRequest('a key is issued once: Idempotency-Key cannot replay its secret', [
        { field: 'Idempotency-Key', reason: 'not accepted on POST /admin/keys' },
      ]);
    }
    const { result, key, secret } = await this.commands.execute(new IssueKeyCommand(body, meta));
    // The secret must not be kept by any cache between the service and the admin who asked for it.
    void reply.header('cache-control', 'no-store');
    return { ...keyView(key), key: secret, revision: result.revision, position: result.position };
  }

  @Get()
  @ApiOperation({
    operationId: 'listKeys',
    summary: 'Every API key issued, revoked ones included, oldest first (never a secret)',
  })
  @QueryDocs()
  @ApiOkResponse({ type: KeyListView })
  async list(): Promise<KeyListView> {
    return { items: (await this.keys.list()).map(keyView) };
  }

  @Get(':keyId')
  @ApiOperation({ operationId: 'getKey', summary: 'One API key (never its secret)' })
  @QueryDocs()
  @ApiOkResponse({ type: KeyView })
  async get(@Param('keyId', UuidPipe) keyId: string): Promise<KeyView> {
    const key = await this.keys.get(keyId);
    if (!key) throw notFound('KEY_NOT_FOUND', `no key ${keyId}`);
    return keyView(key);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    description:
      'From the answer on, the key authenticates nothing on any API process; its open event streams are ' +
      'closed. ApiKeyRevoked is recorded. The last admin key in use cannot be revoked (LAST_ADMIN_KEY).',
  })
  @CommandDocs()
  @ApiNoContentResponse({ description: 'The key is revoked' })
  async revoke(@Param('keyId', UuidPipe) keyId: string, @RequestMeta() meta: CommandMeta): Promise<void> {
    await this.commands.execute(new RevokeKeyCommand(keyId, meta));
  }
}
