import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { AuditEntry, CampaignHighCourtParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const getQuotaAudit = defineSpec({
  operationId: 'getQuotaAudit',
  method: 'GET',
  path: '/campaigns/{campaignId}/quotas/{highCourtCode}/audit',
  summary: "A quota's hash-chained allocation trail (额度调整留痕), with its verification",
  tags: ['quotas'],
  auth: 'jwt',
  params: CampaignHighCourtParams,
  responses: [
    {
      status: 200,
      description:
        'Entries oldest first (action `quota.allocated`, detail with fromAllocatedFen and toAllocatedFen; fromStatus and toStatus are null). The header Audit-Chain says whether the hash chain verifies: `valid`, or `broken; seq=N; reason=R`.',
      schema: z.array(AuditEntry),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign or quota, or not yours'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'QUOTA', 'QUOTA_AUDIT'] } },
});
