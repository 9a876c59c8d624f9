import { defineSpec } from '../../lib/route-spec.ts';
import { Campaign, COMMON_ERRORS, Page } from '../schemas.ts';

export const listCampaigns = defineSpec({
  operationId: 'listCampaigns',
  method: 'GET',
  path: '/campaigns',
  summary: 'Relief campaigns (集中保险救助活动)',
  tags: ['reference'],
  auth: 'jwt',
  responses: [{ status: 200, description: 'All campaigns', schema: Page(Campaign) }, ...COMMON_ERRORS],
  access: { table: { read: ['CAMPAIGNS'] } },
});
