import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { CampaignHighCourtParams, COMMON_ERRORS, problem, Text } from '../schemas.ts';

export const NarrativeBody = z
  .strictObject({
    effects: Text(4000).meta({
      description: 'The narrative of effects (取得的效果, notice 三.5), at most 4,000 characters',
    }),
  })
  .meta({ id: 'NarrativeBody' });

export const Narrative = z
  .object({
    campaignId: z.string(),
    highCourtCode: z.string(),
    effects: z.string(),
    version: z.int(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .loose()
  .meta({ id: 'Narrative' });

/**
 * PUT …/reports/narratives/{highCourtCode}: the narrative of effects in that high court's report and
 * written report. `If-Match` (the ETag "v<version>") is optional, as on PUT /courts/{code}.
 */
export const putReportNarrative = idempotent({
  operationId: 'putReportNarrative',
  method: 'PUT',
  path: '/campaigns/{campaignId}/reports/narratives/{highCourtCode}',
  summary:
    "Record a high court's narrative of effects (取得的效果) (that high court's approvers, or the SPC's administrators); refused once its report is frozen",
  tags: ['reports'],
  auth: 'jwt',
  params: CampaignHighCourtParams,
  headers: [
    { name: 'If-Match', required: false, description: 'Optional: the ETag (narrative version) you read.' },
  ],
  body: NarrativeBody,
  responses: [
    { status: 200, description: 'The narrative as stored (ETag: its version)', schema: Narrative },
    ...COMMON_ERRORS,
    problem(400, 'INVALID_IF_MATCH'),
    problem(404, 'Unknown campaign or high court'),
    problem(409, 'REPORT_ALREADY_FROZEN, VERSION_CONFLICT, CONCURRENT_UPDATE'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA'], write: ['IDEMP', 'REPORT'] } },
});
