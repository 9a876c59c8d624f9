import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { CampaignParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const Figures = {
  cases: z.int(),
  persons: z.int(),
  amountFen: z.int(),
  byCategory: z.record(z.string(), z.object({ paid: z.int(), amountFen: z.int() })),
  pending: z.int(),
  rejected: z.int(),
  declined: z.int(),
};

/** 审批用时: the decisions at one level of the approval chain and how long they waited there. */
const ApprovalTime = z
  .object({
    level: z.enum(['basic', 'intermediate', 'high']).describe('The deciding courts’ level'),
    decided: z.int().describe('Decisions (approve, return, reject) taken at this level'),
    totalHours: z.number().describe('Their waiting time in total, from arrival at the level to the decision'),
    meanHours: z.number(),
    p90Hours: z
      .number()
      .nullable()
      .describe(
        '90% were decided within this many hours (the upper edge of a fixed histogram bucket: 1, 4, 8, 24, 48, 72, 120, 168, 240, 336); null beyond 336 (the 14-day limit)',
      ),
    overLimit: z.int().describe('Decided after the level’s 14-day time limit'),
  })
  .meta({ id: 'ApprovalTime' });

/** One court within its high court: every court with activity in the campaign. */
const CourtRow = z
  .object({ courtCode: z.string(), name: z.string(), ...Figures, approvalTimes: z.array(ApprovalTime) })
  .loose()
  .meta({ id: 'CourtReport' });

const HighCourtRow = z
  .object({
    highCourtCode: z.string(),
    name: z.string(),
    ...Figures,
    byCourt: z.array(CourtRow),
    approvalTimes: z.array(ApprovalTime),
    effects: z
      .string()
      .nullable()
      .describe('The narrative of effects (取得的效果), or null before one is written'),
    effectsUpdatedAt: z.string().nullable(),
    effectsVersion: z
      .int()
      .describe(
        'The narrative’s version, 0 before one is written: PUT …/narratives/{highCourtCode} with If-Match "v<effectsVersion>" saves over exactly this one (409 VERSION_CONFLICT if another was saved since)',
      ),
  })
  .loose();

export const Report = z
  .object({
    campaignId: z.string(),
    totals: z
      .object({
        cases: z.int(),
        persons: z.int(),
        amountFen: z.int(),
        approvalTimes: z.array(ApprovalTime),
      })
      .loose(),
    byHighCourt: z.array(HighCourtRow),
    reconciliation: z
      .object({
        consistent: z.boolean(),
        differences: z.array(z.object({ between: z.string(), differenceFen: z.int() })),
      })
      .loose(),
  })
  .loose()
  .meta({ id: 'Report' });

export const getReport = defineSpec({
  operationId: 'getReport',
  method: 'GET',
  path: '/campaigns/{campaignId}/reports',
  summary:
    'Campaign report (cases, persons, amounts by high court and category); JSON, CSV (Accept: text/csv) or .xlsx',
  tags: ['reports'],
  auth: 'jwt',
  params: CampaignParams,
  responses: [
    {
      status: 200,
      description: 'The report, with a reconciliation against the quota ledger and the insurer',
      schema: Report,
    },
    { status: 200, description: 'CSV with Chinese headers', contentType: 'text/csv' },
    { status: 200, description: 'Workbook', contentType: XLSX },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
    problem(
      503,
      'RENDER_UNAVAILABLE: the renderer of the .xlsx did not answer; retry after Retry-After seconds',
    ),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA', 'REPORT'] }, render: 'renderReportXlsx' },
});
