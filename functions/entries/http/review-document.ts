import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { reviewDocument as spec } from '../../http/specs/review-document.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { DocumentRecord } from '../../ports/applications.ts';
import { documentView } from '../../usecases/documents.ts';
import { reviewDocument } from '../../usecases/review-document.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (reviewed: DocumentRecord) => ({ status: 200, body: documentView(reviewed), headers: {} }),
  (req, idempotency) =>
    reviewDocument(
      applicationDeps(),
      req.principal,
      req.params.id,
      req.params.documentId,
      req.body,
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
