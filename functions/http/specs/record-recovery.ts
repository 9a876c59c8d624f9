import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { ApplicationParams, COMMON_ERRORS, IsoDate, PositiveFen, problem, Required } from '../schemas.ts';

export const recordRecovery = idempotent({
  operationId: 'recordRecovery',
  method: 'POST',
  path: '/applications/{id}/recoveries',
  summary: 'Record money recovered after resumption; credited to the relief fund',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: z
    .strictObject({
      amountFen: PositiveFen,
      receivedAt: IsoDate,
      reference: Required(128),
    })
    .meta({ id: 'Recovery' }),
  responses: [
    {
      status: 201,
      description: 'Recorded',
      schema: z.object({ recoveredFen: z.int(), remainingFen: z.int() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'INVALID_STATUS'),
    problem(422, 'RECOVERY_OVER_RELIEF'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'FUND', 'IDEMP', 'REPORT', 'SEALQ'] } },
});
