import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import {
  Application,
  CalendarDay,
  COMMON_ERRORS,
  CourtCode,
  Cursor,
  Limit,
  Page,
  problem,
} from '../schemas.ts';

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
