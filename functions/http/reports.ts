import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import { CourtCode, problem, Text } from './schemas.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });
const FrozenParams = z.strictObject({ campaignId: z.string().min(1).max(64), highCourtCode: CourtCode });

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
    cases: z.int(),
    persons: z.int(),
    amountFen: z.int(),
    byCategory: z.record(z.string(), z.object({ paid: z.int(), amountFen: z.int() })),
    pending: z.int(),
    rejected: z.int(),
    declined: z.int(),
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
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA', 'REPORT'] } },
});

export const freezeReport = idempotent({
  operationId: 'freezeReport',
  method: 'POST',
  path: '/campaigns/{campaignId}/reports/{highCourtCode}/freeze',
  summary: "Freeze a high court's report for submission to the SPC (stored with its hash; never changes)",
  tags: ['reports'],
  auth: 'jwt',
  params: FrozenParams,
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

export const getFrozenReport = defineSpec({
  operationId: 'getFrozenReport',
  method: 'GET',
  path: '/campaigns/{campaignId}/reports/{highCourtCode}/frozen',
  summary: 'The frozen report, whether its hash verifies, and its differences from the live report',
  tags: ['reports'],
  auth: 'jwt',
  params: FrozenParams,
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

const NarrativeParams = z.strictObject({ campaignId: z.string().min(1).max(64), highCourtCode: CourtCode });

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
  params: NarrativeParams,
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
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS', 'QUOTA', 'REPORT'] } },
});
