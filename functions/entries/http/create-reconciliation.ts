import { clock } from '../../factories/clock.ts';
import {
  applicationRepository,
  campaignStore,
  idempotencyStore,
  reconciliationStore,
} from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { createReconciliation as spec } from '../../http/specs/create-reconciliation.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { StoredReconciliation } from '../../ports/reconciliations.ts';
import { reconciliationView } from '../../usecases/reconciliations.ts';
import { recordReconciliation } from '../../usecases/record-reconciliation.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (rec: StoredReconciliation) => ({
    status: 201,
    body: reconciliationView(rec),
    headers: { location: `/campaigns/${rec.campaignId}/reconciliations/${rec.id}` },
  }),
  (req, idempotency) =>
    recordReconciliation(
      {
        repo: applicationRepository(),
        campaigns: campaignStore(),
        reconciliations: reconciliationStore(),
        ...clock,
      },
      req.principal,
      req.params.campaignId,
      req.rawBytes as Buffer,
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
