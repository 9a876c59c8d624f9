import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { CampaignHighCourtParams, COMMON_ERRORS, Fen, problem, Quota } from '../schemas.ts';

export const putQuota = idempotent({
  operationId: 'putQuota',
  method: 'PUT',
  path: '/campaigns/{campaignId}/quotas/{highCourtCode}',
  summary: "Set a high court's quota allocation (SPC)",
  tags: ['quotas'],
  auth: 'jwt',
  roles: ['spc-admin'],
  params: CampaignHighCourtParams,
  body: z.strictObject({ allocatedFen: Fen }).meta({ id: 'QuotaAllocation' }),
  responses: [
    { status: 200, description: 'The quota', schema: Quota },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
    problem(409, 'QUOTA_BELOW_COMMITTED, CONCURRENT_UPDATE (retry after Retry-After)'),
    problem(422, 'NOT_A_QUOTA_HOLDER'),
  ],
  access: { table: { read: ['CAMPAIGNS'], write: ['IDEMP', 'QUOTA', 'QUOTA_AUDIT', 'SEALQ'] } },
});
