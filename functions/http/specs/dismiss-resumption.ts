import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { Application, ApplicationParams, COMMON_ERRORS, problem, RequiredText } from '../schemas.ts';

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
