import { idempotencyStore, reportDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { freezeReport as spec } from '../../http/specs/freeze-report.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { freezeReport } from '../../usecases/freeze-report.ts';
import type { FrozenReport } from '../../usecases/reports.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (frozen: FrozenReport) => ({ status: 201, body: frozen, headers: {} }),
  (req, idempotency) =>
    freezeReport(reportDeps(), req.principal, req.params.campaignId, req.params.highCourtCode, idempotency),
  idempotencyStore,
);
export const { handler } = route;
