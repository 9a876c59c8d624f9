import { applicationDeps, applicationRepository } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { createApplication as spec } from '../../http/applications.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { StoredResponse } from '../../ports/idempotency.ts';
import { createApplication } from '../../usecases/applications.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (response: StoredResponse) => response,
  (req, idempotency) => createApplication(applicationDeps(), req.principal, req.body, idempotency),
  applicationRepository,
);
export const { handler } = route;
