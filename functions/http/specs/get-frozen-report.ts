import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { CampaignHighCourtParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const getFrozenReport = defineSpec({
  operationId: 'getFrozenReport',
  method: 'GET',
  path: '/campaigns/{campaignId}/reports/{highCourtCode}/frozen',
  summary: 'The frozen report, whether its hash verifies, and its differences from the live report',
  tags: ['reports'],
  auth: 'jwt',
  params: CampaignHighCourtParams,
  responses: [
    {
      status: 200,
      description: 'Frozen copy',
      schema: z
        .object({ hash: z.string(), hashValid: z.boolean(), differences: z.array(z.object({}).loose()) })
        .loose(),
    },
    ...COMMON_ERRORS,
    problem(404, 'Not frozen, or not yours'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA', 'REPORT'] } },
});
