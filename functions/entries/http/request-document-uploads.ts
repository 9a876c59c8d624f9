import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { documentStorage } from '../../factories/s3.ts';
import { authenticator } from '../../factories/verifier.ts';
import { requestDocumentUploads as spec } from '../../http/specs/request-document-uploads.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { DocumentType } from '../../ports/applications.ts';
import { requestUploads, type UploadGrant } from '../../usecases/request-upload.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (documents: UploadGrant[]) => ({ status: 201, body: { documents }, headers: {} }),
  (req, idempotency) =>
    requestUploads(
      { ...applicationDeps(), storage: documentStorage() },
      req.principal,
      req.params.id,
      req.body.documents.map((d) => ({ ...d, type: d.type as DocumentType })),
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
