import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { CampaignParams, COMMON_ERRORS, CourtCode, DOCX, problem } from '../schemas.ts';

export const getReportSummary = defineSpec({
  operationId: 'getReportSummary',
  method: 'GET',
  path: '/campaigns/{campaignId}/reports/summary',
  summary:
    "The written report (书面报告) as .docx: one high court's (that high court or the SPC), or without highCourtCode the national one (SPC)",
  tags: ['reports'],
  auth: 'jwt',
  params: CampaignParams,
  query: z.strictObject({ highCourtCode: CourtCode.optional() }),
  responses: [
    { status: 200, description: 'The written report as a Word document', contentType: DOCX },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign, or another high court'),
    problem(
      503,
      'RENDER_UNAVAILABLE: the renderer of the .docx did not answer; retry after Retry-After seconds',
    ),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA', 'REPORT'] }, render: 'renderReportDocx' },
});
