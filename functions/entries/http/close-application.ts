import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { closeApplication as spec } from '../../http/specs/close-application.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { closeApplication } from '../../usecases/close-application.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  // closure, closingReason and restrictionsLifted come from the stored closure record.
  (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) =>
    closeApplication(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
  // A closure's only effect is its transaction (with the key's record), and a replay finds the
  // application closed and is refused before it: no look-up first (lib/idempotency.ts).
  { lookUp: 'on-refusal' },
);
export const { handler } = route;
