import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { ProofsController } from './proofs.controller';
import { GetConsistencyProofHandler } from './queries/get-consistency-proof.handler';
import { GetInclusionProofHandler } from './queries/get-inclusion-proof.handler';
import { GetTreeHeadHandler } from './queries/get-tree-head.handler';
import { ListStoredRecordsHandler } from './queries/list-stored-records.handler';
import { VerifyAuditHandler } from './queries/verify-audit.handler';
import { TreeHeadSigner } from './tree-head-signer';

@Module({
  controllers: [AuditController, ProofsController],
  providers: [
    VerifyAuditHandler,
    TreeHeadSigner,
    GetTreeHeadHandler,
    GetInclusionProofHandler,
    GetConsistencyProofHandler,
    ListStoredRecordsHandler,
  ],
})
export class AuditModule {}
