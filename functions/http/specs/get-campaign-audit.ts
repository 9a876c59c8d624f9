import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { AuditEntry, CampaignParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const getCampaignAudit = defineSpec({
  operationId: 'getCampaignAudit',
  method: 'GET',
  path: '/campaigns/{campaignId}/audit',
  summary: "A campaign's hash-chained change trail (活动设置留痕), with its verification (SPC)",
  tags: ['campaigns'],
  auth: 'jwt',
  params: CampaignParams,
  responses: [
    {
      status: 200,
      description:
        'Entries oldest first (actions `campaign.created` with the campaign, `campaign.updated` with each changed field `{from, to}`; fromStatus and toStatus are null). The header Audit-Chain says whether the hash chain verifies: `valid`, or `broken; seq=N; reason=R`.',
      schema: z.array(AuditEntry),
    },
    ...COMMON_ERRORS,
    problem(403, 'CAMPAIGN_AUDIT_NOT_VISIBLE (read at the SPC)'),
    problem(404, 'Unknown campaign'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'CAMPAIGN_AUDIT'] } },
});
