import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { CampaignHighCourtParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const freezeReport = idempotent({
  operationId: 'freezeReport',
  method: 'POST',
  path: '/campaigns/{campaignId}/reports/{highCourtCode}/freeze',
  summary: "Freeze a high court's report for submission to the SPC (stored with its hash; never changes)",
  tags: ['reports'],
  auth: 'jwt',
  params: CampaignHighCourtParams,
  responses: [
    {
      status: 201,
      description: 'The frozen copy and its hash',
      schema: z.object({ hash: z.string(), frozenAt: z.string() }).loose(),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
    problem(409, 'REPORT_ALREADY_FROZEN'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA'], write: ['IDEMP', 'REPORT'] } },
});
