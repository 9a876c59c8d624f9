import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, problem } from '../schemas.ts';

export const FundQuery = z.strictObject({
  campaignId: z.string().min(1).max(64).meta({ description: 'The campaign whose fund ledger to read.' }),
});

const FundCase = z.object({
  applicationId: z.string(),
  courtCode: z.string().meta({ description: 'The executing court.' }),
  recoveredFen: z.int(),
  entries: z.int(),
});

const FundHighCourt = z.object({
  highCourtCode: z.string(),
  recoveredFen: z.int().meta({ description: 'Credited to the fund, from the ledger entries.' }),
  entries: z.int(),
  reportedRecoveredFen: z
    .int()
    .meta({ description: 'The recoveries recorded on the applications (report counters).' }),
  reconciled: z.boolean(),
  cases: z.array(FundCase),
});

export const ReliefFund = z
  .object({
    campaignId: z.string(),
    scope: z.string().meta({ description: '"all" (SPC) or the high court whose province this is.' }),
    totals: z.object({
      recoveredFen: z.int(),
      entries: z.int(),
      reportedRecoveredFen: z.int(),
      reconciled: z.boolean().meta({
        description:
          'Every high court’s credits equal its recorded recoveries and (SPC) the entries add up to the ledger total.',
      }),
    }),
    highCourts: z.array(FundHighCourt),
  })
  .meta({ id: 'ReliefFund' });

export const getReliefFund = defineSpec({
  operationId: 'getReliefFund',
  method: 'GET',
  path: '/relief-fund',
  summary:
    '救助款回收 (三.4): enforcement recoveries credited to the relief fund, per high court and per case, with totals (spc-admin all; a high court its province; others 403 FUND_NOT_VISIBLE)',
  tags: ['closure'],
  auth: 'jwt',
  query: FundQuery,
  responses: [
    { status: 200, description: 'The fund, reconciled to the recoveries', schema: ReliefFund },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'FUND', 'REPORT'] } },
});
