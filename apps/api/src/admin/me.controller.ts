import type { Principal } from '@app/application';
import { ROLES, type Role } from '@app/domain';
import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ACCESS_MATRIX, type Access, Allow, allows, seesPersonalData } from '../access/access-policy';
import { KeyDocs } from '../http/openapi-docs';

const ACCESSES = Object.keys(ACCESS_MATRIX) as Access[];

/** Who the key of the request is, and what it may do: what a client shows a signed-in person. */
export class MeView {
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], enum: ROLES }) roles!: Role[];
  @ApiProperty({ description: 'Issued with commands: true (a service key that may send commands)' })
  commands!: boolean;
  @ApiProperty({ description: 'Issued with personalData: true (a service key that sees personal data)' })
  personalData!: boolean;
  @ApiProperty({
    type: [String],
    enum: ACCESSES,
    description:
      'What the key may do, as the access matrix names it: commands, configuration, reads, histories (and asOf ' +
      'views), analytics, audit, events, metrics, keys, privacy',
  })
  allows!: Access[];
  @ApiProperty({
    description: "Whether the personal fields of leads are shown to this key in clear (else '***')",
  })
  personalDataInClear!: boolean;
}

export const meView = (principal: Principal): MeView => ({
  keyId: principal.keyId,
  name: principal.name,
  roles: [...principal.roles],
  commands: principal.commands,
  personalData: principal.personalData,
  allows: ACCESSES.filter((access) => allows(principal, access)),
  personalDataInClear: seesPersonalData(principal),
});

@ApiTags('admin')
@Controller('me')
@Allow('reads')
export class MeController {
  @Get()
  @ApiOperation({
    operationId: 'getMe',
    summary: 'The API key of the request: its name, roles and what it may do',
    description: 'Any valid key may ask. The dashboard shows only what `allows` names.',
  })
  @KeyDocs()
  @ApiOkResponse({ type: MeView })
  me(@Req() request: FastifyRequest): MeView {
    // The access guard has admitted the request, so it carries a principal.
    return meView(request.principal!);
  }
}
