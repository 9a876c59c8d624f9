import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import { problem } from './schemas.ts';

const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });
const ReconciliationParams = z.strictObject({
  campaignId: z.string().min(1).max(64),
  id: z.string().min(1).max(64),
});

export const Reconciliation = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    recordedAt: z.string(),
    recordedBy: z.object({ sub: z.string(), court: z.string(), roles: z.array(z.string()) }),
    statement: z.object({ sha256: z.string(), sizeBytes: z.int(), encoding: z.enum(['utf-8', 'gb18030']) }),
    rows: z.int(),
    matched: z.int().meta({ description: 'Rows whose package and amount agree' }),
    matchedFen: z.int(),
    missingFromStatement: z.array(
      z.object({ packageId: z.string(), applicationId: z.string(), status: z.string(), amountFen: z.int() }),
    ),
    unknownPackages: z.array(
      z.object({ row: z.int(), packageId: z.string(), transactionRef: z.string(), amountFen: z.int() }),
    ),
    amountMismatches: z.array(
      z.object({
        row: z.int(),
        packageId: z.string(),
        applicationId: z.string(),
        approvedFen: z.int(),
        statedFen: z.int(),
      }),
    ),
    duplicates: z.array(
      z.object({ row: z.int(), packageId: z.string(), firstRow: z.int(), transactionRef: z.string() }),
    ),
    declinedButPaid: z.array(z.object({ row: z.int(), packageId: z.string(), applicationId: z.string() })),
  })
  .meta({ id: 'Reconciliation' });

export const createReconciliation = idempotent({
  operationId: 'createReconciliation',
  method: 'POST',
  path: '/campaigns/{campaignId}/reconciliations',
  summary: "Reconcile the insurer's payment statement (CSV) against the packages sent (对账)",
  tags: ['insurer'],
  auth: 'jwt',
  roles: ['spc-admin'],
  params: CampaignParams,
  textBody: {
    contentType: 'text/csv',
    description:
      'Header `packageId,transactionRef,amountFen,paidAt` (any order), one row per payment; UTF-8 with or without BOM, or GBK. `amountFen` whole fen; `paidAt` YYYY-MM-DD or ISO 8601 (no offset: Beijing time).',
    example:
      'packageId,transactionRef,amountFen,paidAt\nPKG-01J...-1,PICC-2026-0001,300000,2026-12-01T15:15:00+08:00\n',
  },
  maxBodyBytes: 5 * 1024 * 1024,
  responses: [
    { status: 201, description: 'The stored reconciliation', schema: Reconciliation },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
    problem(415, 'UNSUPPORTED_MEDIA_TYPE (send text/csv)'),
    problem(
      422,
      'STATEMENT_INVALID: each problem in errors with its row and column (UNKNOWN_COLUMN, MISSING_COLUMN, DUPLICATE_COLUMN, INVALID_ENCODING, NEGATIVE_AMOUNT, FRACTIONAL_AMOUNT, INVALID_AMOUNT, INVALID_DATE, VALUE_REQUIRED, EXTRA_CELLS, MALFORMED_CSV)',
    ),
  ],
  // APP: gsi1-3 hold only what the list filters on; a page reads its items by key (BatchGetItem).
  access: { table: { read: ['APP', 'CAMPAIGNS'], write: ['IDEMP', 'RECON'], indexes: ['gsi3'] } },
});

export const getReconciliation = defineSpec({
  operationId: 'getReconciliation',
  method: 'GET',
  path: '/campaigns/{campaignId}/reconciliations/{id}',
  summary: 'A stored reconciliation',
  tags: ['insurer'],
  auth: 'jwt',
  roles: ['spc-admin'],
  params: ReconciliationParams,
  responses: [
    { status: 200, description: 'The reconciliation', schema: Reconciliation },
    ...COMMON_ERRORS,
    problem(404, 'Unknown reconciliation'),
  ],
  access: { table: { read: ['RECON'] } },
});
