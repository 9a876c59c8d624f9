import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { createApplication as spec } from '../../http/specs/create-application.ts';
import { etagOf } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { createApplication } from '../../usecases/create-application.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({
    status: 201,
    body: applicationView(app, req.principal),
    headers: { etag: etagOf(app), location: `/applications/${app.id}` },
  }),
  async (req, idempotency) => {
    const created = await createApplication(applicationDeps(), req.principal, req.body, idempotency);
    countEvent(BusinessMetric.ApplicationsCreated);
    return created;
  },
  idempotencyStore,
);
export const { handler } = route;
