import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import {
  Application,
  ApplicationParams,
  COMMON_ERRORS,
  problem,
  Required,
  RequiredText,
} from '../schemas.ts';

export const liftMeasure = idempotent({
  operationId: 'liftMeasure',
  method: 'POST',
  path: '/applications/{id}/measure-liftings',
  summary:
    '解除措施: lift one measure of case.measures after closure; refused while the case is relief-closed (三(一)2)',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: z
    .strictObject({
      reference: Required(200).meta({ description: 'The reference of the measure in case.measures.' }),
      basis: RequiredText(4000).meta({
        description: 'Why it is lifted (the debt satisfied after resumption).',
      }),
    })
    .meta({ id: 'MeasureLifting' }),
  responses: [
    { status: 200, description: 'Lifted; restrictionsLifted once every measure is', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(
      409,
      'RESTRICTIONS_MUST_REMAIN (relief-closed, or resumed and the resumed amount not yet recovered), INVALID_STATUS (not closed), MEASURE_ALREADY_LIFTED',
    ),
    problem(422, 'UNKNOWN_MEASURE'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});
