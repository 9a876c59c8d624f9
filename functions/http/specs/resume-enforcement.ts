import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import {
  Application,
  ApplicationParams,
  COMMON_ERRORS,
  PositiveFen,
  problem,
  Required,
  RequiredText,
} from '../schemas.ts';

export const resumeEnforcement = idempotent({
  operationId: 'resumeEnforcement',
  method: 'POST',
  path: '/applications/{id}/resumptions',
  summary: '恢复执行: resume enforcement of a closed application, capped at the relief amount',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: z
    .strictObject({
      reason: z.enum(['assets-found', 'evasion']),
      basis: RequiredText(4000),
      amountFen: PositiveFen,
      debtors: z.array(Required(64)).min(1).max(20).optional().meta({
        description:
          'The ID numbers (canonicalised) of the debtors enforcement resumes against; required when the application names debtors, each one of them.',
      }),
    })
    .meta({ id: 'Resumption' }),
  responses: [
    { status: 200, description: 'Resumed', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'INVALID_STATUS'),
    problem(422, 'AMOUNT_OVER_RELIEF, RESUMPTION_DEBTOR_REQUIRED, UNKNOWN_DEBTOR'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'REPORT', 'SEALQ'] } },
});
