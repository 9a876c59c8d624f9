import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import {
  Application,
  ApplicationParams,
  AssetCheckBody,
  CalendarDay,
  CourtCode,
  Cursor,
  Limit,
  Page,
  problem,
  RequiredText,
} from './schemas.ts';

export const recordAssetCheck = idempotent({
  operationId: 'recordAssetCheck',
  method: 'POST',
  path: '/applications/{id}/asset-checks',
  summary:
    '财产查询: record an asset check of a relief-closed case (clerk of the executing court); assets or evasion found make resumption due',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: AssetCheckBody,
  responses: [
    { status: 201, description: 'Recorded; the next check is due one interval later', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'NOT_RELIEF_CLOSED (not closed or resumed), DUPLICATE_ASSET_CHECK (same date and method)'),
    problem(
      422,
      'CHECK_IN_FUTURE, CHECK_BEFORE_CLOSURE, APPLICANT_NOTIFIED_BEFORE_CHECK, APPLICANT_NOTIFIED_IN_FUTURE',
    ),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});

export const dismissResumption = idempotent({
  operationId: 'dismissResumption',
  method: 'POST',
  path: '/applications/{id}/resumption-dismissals',
  summary:
    '不予恢复执行: record why enforcement is not resumed after an asset check found assets or evasion (clerk of the executing court); clears resumptionDue',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: z
    .strictObject({
      reason: RequiredText(4000).meta({ description: 'Why enforcement is not resumed.' }),
    })
    .meta({ id: 'ResumptionDismissal' }),
  responses: [
    { status: 200, description: 'Dismissed; resumptionDue is false', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'RESUMPTION_NOT_DUE (not relief-closed, or no check prompted resumption)'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});

export const DueQuery = z.strictObject({
  courtCode: CourtCode.optional(),
  before: CalendarDay.optional().meta({ description: 'Due on or before this Beijing date (default today).' }),
  limit: Limit,
  cursor: Cursor.optional(),
});

export const DueItem = z
  .object({
    ...Application.shape,
    overdue: z.boolean().meta({ description: 'Its due date has passed (Beijing time).' }),
    escalatedAt: z.string().nullable().meta({
      description:
        'When the overdue sweep escalated this check to the executing court and its high court (once per due date); null if not escalated.',
    }),
  })
  .meta({ id: 'DueCase' });

export const listDueChecks = defineSpec({
  operationId: 'listDueChecks',
  method: 'GET',
  path: '/monitoring/due',
  summary:
    '分类管理: relief-closed cases within your jurisdiction whose asset check is due or overdue, earliest first (from the due index)',
  tags: ['closure'],
  auth: 'jwt',
  query: DueQuery,
  responses: [
    { status: 200, description: 'A page', schema: Page(DueItem) },
    ...COMMON_ERRORS,
    problem(404, 'courtCode outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'], indexes: ['due'] } },
});
