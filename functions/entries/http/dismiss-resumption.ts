import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { dismissResumption as spec } from '../../http/specs/dismiss-resumption.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { dismissResumption } from '../../usecases/dismiss-resumption.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) =>
    dismissResumption(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
