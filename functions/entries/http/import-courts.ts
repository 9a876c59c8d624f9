import { courtStore, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { importCourts as spec } from '../../http/specs/import-courts.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { CourtImportReport } from '../../usecases/courts.ts';
import { importCourts } from '../../usecases/import-courts.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (report: CourtImportReport) => ({ status: 200, body: report, headers: {} }),
  (req, idempotency) =>
    importCourts({ courts: courtStore() }, req.principal, req.body.courts, req.body.dryRun, idempotency),
  idempotencyStore,
);
export const { handler } = route;
