import { idempotent } from '../idempotency.ts';
import { CampaignParams, COMMON_ERRORS, problem, Reconciliation } from '../schemas.ts';

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
