import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { recordAssetCheck as spec } from '../../http/specs/record-asset-check.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { recordAssetCheck } from '../../usecases/record-asset-check.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({ status: 201, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) =>
    recordAssetCheck(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
