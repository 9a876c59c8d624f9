import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { Campaign, COMMON_ERRORS, notFound } from '../schemas.ts';

export const getCampaign = defineSpec({
  operationId: 'getCampaign',
  method: 'GET',
  path: '/campaigns/{campaignId}',
  summary: 'One campaign',
  tags: ['reference'],
  auth: 'jwt',
  params: z.strictObject({ campaignId: z.string().min(1).max(64) }),
  responses: [{ status: 200, description: 'The campaign', schema: Campaign }, ...COMMON_ERRORS, notFound],
  access: { table: { read: ['CAMPAIGNS'] } },
});
