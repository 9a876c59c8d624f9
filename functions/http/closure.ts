import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import { Application, ApplicationParams, PositiveFen, problem, Required, RequiredText } from './schemas.ts';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const IsoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const getRuling = defineSpec({
  operationId: 'getRuling',
  method: 'GET',
  path: '/applications/{id}/ruling',
  summary: `The termination ruling (终结执行裁定书) once paid; as .docx with Accept: ${DOCX}`,
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    {
      status: 200,
      description: 'Ruling text with the mandated paragraph and closing reason verbatim',
      schema: z.object({ text: z.string(), closingReason: z.string(), paragraphs: z.array(z.string()) }),
    },
    { status: 200, description: 'The ruling as a Word document', contentType: DOCX },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'NOT_PAID'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});

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
