import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { withdrawApplication as spec } from '../../http/specs/withdraw-application.ts';
import { etagOf } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { withdrawApplication } from '../../usecases/withdrawal.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({
    status: 200,
    body: applicationView(app, req.principal),
    headers: { etag: etagOf(app) },
  }),
  (req, idempotency) =>
    withdrawApplication(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
