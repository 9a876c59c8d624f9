import { defineSpec } from '../../lib/route-spec.ts';
import { CampaignHighCourtParams, COMMON_ERRORS, problem, Quota } from '../schemas.ts';

export const getQuota = defineSpec({
  operationId: 'getQuota',
  method: 'GET',
  path: '/campaigns/{campaignId}/quotas/{highCourtCode}',
  summary: "One high court's quota",
  tags: ['quotas'],
  auth: 'jwt',
  params: CampaignHighCourtParams,
  responses: [
    { status: 200, description: 'The quota', schema: Quota },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or not yours'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'QUOTA'] } },
});
