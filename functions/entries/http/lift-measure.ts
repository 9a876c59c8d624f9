import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { liftMeasure as spec } from '../../http/specs/lift-measure.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { liftMeasure } from '../../usecases/lift-measure.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) => liftMeasure(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
