import { START } from '@app/event-store';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access-policy';
import { MinPosition } from '../http/min-position.decorator';
import {
  ConsistencyProofQueryDto,
  InclusionProofQueryDto,
  StoredRecordsQueryDto,
  TreeHeadQueryDto,
} from './proofs-query.dto';
import {
  ConsistencyProofView,
  InclusionProofView,
  LEAF_DEFINITION,
  PublicKeyView,
  StoredRecordPageView,
  TreeHeadView,
} from './proofs.views';
import { GetConsistencyProofQuery } from './queries/get-consistency-proof.query';
import { GetInclusionProofQuery } from './queries/get-inclusion-proof.query';
import { GetTreeHeadQuery } from './queries/get-tree-head.query';
import { ListStoredRecordsQuery } from './queries/list-stored-records.query';
import { TreeHeadSigner } from './tree-head-signer';

const problem = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
const badParameter = () => problem(400, 'A bad, missing or unknown parameter (errors names it)');

/**
 * Provable history (RFC 9162): the Merkle tree over the log, signed tree heads, inclusion and consistency
 * proofs, and the records the leaves hash, so that an auditor can check, now or offline later, that the log
 * they are shown extends unchanged the one a tree head they hold was signed for. Auditors and admins, as
 * every /audit route; the public key too, as the contract's matrix has it: an auditor fetches it once and
 * keeps it with the tree heads.
 */
@ApiTags('audit')
@Controller('audit')
export class ProofsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly signer: TreeHeadSigner,
  ) {}

  @Get('public-key')
  @ApiOperation({
    operationId: 'getTreeHeadPublicKey',
    summary: 'The Ed25519 public key that signs tree heads',
  })
  @Allow('audit')
  @ApiOkResponse({ type: PublicKeyView, description: 'The key as PEM, and its id as tree heads name it' })
  publicKey(): PublicKeyView {
    const { keyId, publicKeyPem } = this.signer.key;
    return { algorithm: 'Ed25519', keyId, pem: publicKeyPem };
  }

  @Get('tree-head')
  @ApiOperation({
    operationId: 'getTreeHead',
    summary: 'The signed tree head of the log as it stands',
    description:
      'The last tree head signed, or a new one when the log grew since (tree heads are also signed at least ' +
      'every TREE_HEAD_INTERVAL_MS while it grows). With minPosition, the tree includes that position. Keep it: ' +
      'a consistency proof from it (or npm run audit:verify) later shows that the log still begins with exactly ' +
      `those events.\n\n${LEAF_DEFINITION}`,
  })
  @Allow('audit')
  @badParameter()
  @ApiOkResponse({ type: TreeHeadView, description: 'A signed tree head' })
  treeHead(@Query() _query: TreeHeadQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new GetTreeHeadQuery(minPosition));
  }

  @Get('proof/inclusion')
  @ApiOperation({
    operationId: 'getInclusionProof',
    summary: 'Proof that an event is in the tree of a given size',
    description:
      'The leaf of the event at `position`, its index and the inclusion path (RFC 9162, 2.1.3) in the tree of ' +
      '`treeSize` leaves; verify it against the rootHash of the tree head of that size (section 2.1.3.2). ' +
      `404 TREE_SIZE_NOT_REACHED when the tree is smaller than treeSize, POSITION_NOT_IN_TREE when no event at ` +
      `that position is among its leaves.\n\n${LEAF_DEFINITION}`,
  })
  @Allow('audit')
  @badParameter()
  @problem(
    404,
    'TREE_SIZE_NOT_REACHED: no tree of treeSize yet; POSITION_NOT_IN_TREE: no such event in that tree',
  )
  @ApiOkResponse({ type: InclusionProofView, description: 'The inclusion proof' })
  inclusion(@Query() query: InclusionProofQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(
      new GetInclusionProofQuery(BigInt(query.position), query.treeSize, minPosition),
    );
  }

  @Get('proof/consistency')
  @ApiOperation({
    operationId: 'getConsistencyProof',
    summary: 'Proof that the tree of one size begins the tree of a larger size',
    description:
      'The consistency proof (RFC 9162, 2.1.4) from the tree of `from` leaves to the tree of `to` leaves: ' +
      'verify it with the rootHash of both tree heads (section 2.1.4.2). 400 when from > to; 404 ' +
      `TREE_SIZE_NOT_REACHED when the tree is smaller than to.\n\n${LEAF_DEFINITION}`,
  })
  @Allow('audit')
  @badParameter()
  @problem(404, 'TREE_SIZE_NOT_REACHED: no tree of `to` leaves yet')
  @ApiOkResponse({ type: ConsistencyProofView, description: 'The consistency proof' })
  consistency(@Query() query: ConsistencyProofQueryDto, @MinPosition() minPosition: bigint | undefined) {
    return this.queries.execute(new GetConsistencyProofQuery(query.from, query.to, minPosition));
  }

  @Get('records')
  @ApiOperation({
    operationId: 'listStoredRecords',
    summary: 'The log exactly as stored, page by page: what the leaves of the tree hash',
    description:
      'Each record as the store holds it (personal data sealed), in log order, with its position. Saved one ' +
      'record per line (JSON Lines), the whole log is what `npm run audit:verify -- --records <file>` checks ' +
      `against a tree head, without the service.\n\n${LEAF_DEFINITION}`,
  })
  @Allow('audit')
  @badParameter()
  @ApiOkResponse({ type: StoredRecordPageView, description: 'A page of stored records' })
  records(@Query() query: StoredRecordsQueryDto) {
    return this.queries.execute(
      new ListStoredRecordsQuery(query.after === undefined ? START : BigInt(query.after), query.limit ?? 100),
    );
  }
}
