import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { documentStorage } from '../../factories/s3.ts';
import { authenticator } from '../../factories/verifier.ts';
import { requestDocumentUpload as spec } from '../../http/specs/request-document-upload.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { DocumentType } from '../../ports/applications.ts';
import type { StoredResponse } from '../../ports/idempotency.ts';
import { requestUpload } from '../../usecases/documents.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (response: StoredResponse) => response,
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
