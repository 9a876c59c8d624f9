import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { recordRecovery as spec } from '../../http/specs/record-recovery.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { recordRecovery } from '../../usecases/record-recovery.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord) => {
    const cap = app.payout?.amountFen ?? app.reliefAmountFen;
    return {
      status: 201,
      body: { recoveredFen: app.recoveredFen ?? 0, remainingFen: cap - (app.recoveredFen ?? 0) },
      headers: {},
    };
  },
  (req, idempotency) =>
    recordRecovery(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
