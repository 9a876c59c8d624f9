import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { Application, ApplicationParams, COMMON_ERRORS, problem, RequiredText } from '../schemas.ts';

export const WithdrawalBody = z
  .strictObject({
    reason: RequiredText(2000).meta({
      description: 'Why the application is withdrawn (e.g. created in the wrong campaign).',
    }),
  })
  .meta({ id: 'Withdrawal' });

export const withdrawApplication = idempotent({
  operationId: 'withdrawApplication',
  method: 'POST',
  path: '/applications/{id}/withdrawal',
  summary: '撤回: withdraw a draft or returned application; the case and applicant may apply again',
  tags: ['applications'],
  auth: 'jwt',
  params: ApplicationParams,
  body: WithdrawalBody,
  responses: [
    { status: 200, description: 'Withdrawn', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'INVALID_STATUS (not draft or returned), CONCURRENT_UPDATE'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'DUP', 'IDEMP', 'REPORT', 'SEALQ'] } },
});
