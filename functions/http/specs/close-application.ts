import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { Application, ApplicationParams, COMMON_ERRORS, IsoDate, problem, Required } from '../schemas.ts';

export const closeApplication = idempotent({
  operationId: 'closeApplication',
  method: 'POST',
  path: '/applications/{id}/closure',
  summary: '报结: close a paid application as 终结执行 (restrictions stay)',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: z.strictObject({ rulingNumber: Required(64), issuedAt: IsoDate }).meta({ id: 'Closure' }),
  responses: [
    { status: 200, description: 'Closed', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'INVALID_STATUS'),
    problem(422, 'RULING_BEFORE_PAYOUT'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});
