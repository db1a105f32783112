import type { StoredKey } from '@app/application';
import { ROLES, type Role } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';

/** An API key as an admin sees it: never its secret. */
export class KeyView {
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], enum: ROLES }) roles!: Role[];
  @ApiProperty() commands!: boolean;
  @ApiProperty() actOnBehalf!: boolean;
  @ApiProperty() personalData!: boolean;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class KeyListView {
  @ApiProperty({ type: [KeyView] }) items!: KeyView[];
}

/** The answer to POST /admin/keys: the key, its secret (shown this once), and where its issue is in the log. */
export class IssuedKeyView extends KeyView {
  @ApiProperty({ description: 'The secret: send it as Authorization: Bearer <key>. It is shown this once.' })
  key!: string;
  @ApiProperty({ description: 'The revision of the key stream (0)', type: 'integer' }) revision!: number;
  @ApiProperty({ description: 'Global log position of the ApiKeyIssued event', example: '1042' })
  position!: string;
}

export const keyView = (key: StoredKey): KeyView => ({
  keyId: key.keyId,
  name: key.name,
  roles: [...key.roles],
  commands: key.commands,
  actOnBehalf: key.actOnBehalf,
  personalData: key.personalData,
  issuedAt: key.issuedAt,
  revokedAt: key.revokedAt,
});
