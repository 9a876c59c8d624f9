import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, problem, Reconciliation } from '../schemas.ts';

const ReconciliationParams = z.strictObject({
  campaignId: z.string().min(1).max(64),
  id: z.string().min(1).max(64),
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
