import { TREE_HEAD_FORMAT } from '@app/event-store';
import { ApiProperty } from '@nestjs/swagger';

/** How a leaf of the tree is made from an event: stated once, in every operation that hands out leaves or proofs. */
export const LEAF_DEFINITION =
  'The Merkle tree follows RFC 9162 (section 2.1) with SHA-256: leaf hash = SHA-256(0x00 || leaf), node hash = ' +
  'SHA-256(0x01 || left || right), the empty tree SHA-256(""); the tree of n leaves is MTH(D[n]) of the RFC. ' +
  'Leaf i (from 0) is the (i + 1)-th event of the log in position order: on the embedded store, the event at ' +
  'position i + 1. The leaf is the UTF-8 encoding of the canonical JSON of the stored record ' +
  '{ id, streamId, revision, type, data, metadata }, exactly as GET /audit/records answers it but without its ' +
  'position: no whitespace; the members of every object sorted by name (compared as UTF-16 code units), members ' +
  'whose value is undefined left out; arrays in their order; strings, numbers, true, false and null as ' +
  'JSON.stringify writes them. The record is the one the store holds: data in the schema it was written with, ' +
  'personal data sealed, metadata with its tamper-evidence hash; so erasing a person never changes a leaf.';

const HASH = {
  pattern: '^[0-9a-f]{64}$',
  example: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
};
const POSITION = { pattern: '^\\d{1,20}$', example: '1042' } as const;
const TREE_SIZE = { type: 'integer', minimum: 0, example: 1042 } as const;

export class PublicKeyView {
  @ApiProperty({ enum: ['Ed25519'], description: 'The signature algorithm of tree heads' })
  algorithm!: 'Ed25519';
  @ApiProperty({
    ...HASH,
    description: "SHA-256 (hex) of the public key's SubjectPublicKeyInfo DER: tree heads name it",
  })
  keyId!: string;
  @ApiProperty({
    description: 'The public key, PEM (SubjectPublicKeyInfo): save it to a file for npm run audit:verify',
    example: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA...\n-----END PUBLIC KEY-----\n',
  })
  pem!: string;
}

export class TreeHeadView {
  @ApiProperty({ ...TREE_SIZE, description: 'Leaves in the tree: the first treeSize events of the log' })
  treeSize!: number;
  @ApiProperty({ ...HASH, description: 'The root of the tree of those leaves (hex)' })
  rootHash!: string;
  @ApiProperty({ format: 'date-time', description: 'When the tree head was signed' })
  timestamp!: string;
  @ApiProperty({
    pattern: '^[A-Za-z0-9+/]+={0,2}$',
    description:
      'Ed25519 signature (base64) over four lines of UTF-8 text, each ended by a line feed: ' +
      `"${TREE_HEAD_FORMAT}", the tree size in decimal, the root hash in lowercase hex, the timestamp as written ` +
      'here',
  })
  signature!: string;
  @ApiProperty({ ...HASH, description: 'The key that signed it (GET /audit/public-key)' })
  keyId!: string;
}

export class InclusionProofView {
  @ApiProperty({ ...POSITION, description: 'The log position of the event' }) position!: string;
  @ApiProperty({ ...TREE_SIZE, minimum: 1, description: 'The size of the tree the proof is for' })
  treeSize!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: "The event's leaf index in the tree" })
  leafIndex!: number;
  @ApiProperty({ ...HASH, description: "The event's leaf hash" }) leafHash!: string;
  @ApiProperty({
    type: [String],
    items: { type: 'string', pattern: HASH.pattern },
    description:
      'The inclusion path (RFC 9162, 2.1.3.1), from the leaf up; verify it as section 2.1.3.2 says',
  })
  path!: string[];
}

export class ConsistencyProofView {
  @ApiProperty({ ...TREE_SIZE, minimum: 1, description: 'The size of the earlier tree' }) from!: number;
  @ApiProperty({ ...TREE_SIZE, minimum: 1, description: 'The size of the later tree' }) to!: number;
  @ApiProperty({
    type: [String],
    items: { type: 'string', pattern: HASH.pattern },
    description:
      'The consistency proof (RFC 9162, 2.1.4.1), empty when from = to; verify it as section 2.1.4.2 says',
  })
  path!: string[];
}

export class StoredRecordView {
  @ApiProperty({ ...POSITION, description: 'Global log position (not part of the leaf)' }) position!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'deal-0b6f4e3c-2f0e-4b8e-9a51-6f1d1b7c2a10' }) streamId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty({ example: 'DealWon' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As stored: personal data sealed' })
  data!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As stored, with its chain hash' })
  metadata!: Record<string, unknown>;
}

export class StoredRecordPageView {
  @ApiProperty({ type: [StoredRecordView], description: 'In log order' }) records!: StoredRecordView[];
  @ApiProperty({
    ...POSITION,
    description:
      'Pass it as `after` for the next page; the end of the log is reached when it no longer moves',
  })
  nextAfter!: string;
}
