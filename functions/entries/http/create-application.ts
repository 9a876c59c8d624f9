import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { createApplication as spec } from '../../http/specs/create-application.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import type { StoredResponse } from '../../ports/idempotency.ts';
import { createApplication } from '../../usecases/applications.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (response: StoredResponse) => response,
  async (req, idempotency) => {
    const created = await createApplication(applicationDeps(), req.principal, req.body, idempotency);
    countEvent(BusinessMetric.ApplicationsCreated);
    return created;
  },
  idempotencyStore,
);
export const { handler } = route;
