import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { documentStorage } from '../../factories/s3.ts';
import { authenticator } from '../../factories/verifier.ts';
import { requestDocumentUpload as spec } from '../../http/specs/request-document-upload.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { DocumentType } from '../../ports/applications.ts';
import { requestUpload, type UploadGrant } from '../../usecases/request-upload.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (grant: UploadGrant, req) => ({
    status: 201,
    body: grant,
    headers: { location: `/applications/${req.params.id}/documents/${grant.documentId}` },
  }),
  (req, idempotency) =>
    requestUpload(
      { ...applicationDeps(), storage: documentStorage() },
      req.principal,
      req.params.id,
      { ...req.body, type: req.body.type as DocumentType },
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
