import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { CampaignParams, COMMON_ERRORS, problem, Quota } from '../schemas.ts';

export const listQuotas = defineSpec({
  operationId: 'listQuotas',
  method: 'GET',
  path: '/campaigns/{campaignId}/quotas',
  summary: 'Quotas you may see (the SPC all; a high court its own)',
  tags: ['quotas'],
  auth: 'jwt',
  params: CampaignParams,
  responses: [
    {
      status: 200,
      description: 'Quotas',
      schema: z.object({ items: z.array(Quota), nextCursor: z.null() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'QUOTA'] } },
});
