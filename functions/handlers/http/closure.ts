import * as z from 'zod';
import { renderRulingDocx } from '../../adapters/ruling-docx.ts';
import { defineRoute } from '../../lib/http.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { closeApplication, getRuling, recordRecovery, resumeEnforcement } from '../../usecases/closure.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { defineIdempotentRoute } from './idempotency.ts';
import { Application, ApplicationParams, PositiveFen, problem, Required, RequiredText } from './schemas.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const IsoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const getRulingRoute = defineRoute(
  {
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
  },
  authenticator,
  async (req) => {
    const { app, ruling } = await getRuling(deps(), req.principal, req.params.id);
    if ((req.headers.accept ?? '').includes(DOCX)) {
      const data = await renderRulingDocx(ruling, {
        courtName: ruling.paragraphs[0] ?? app.courtCode,
        caseNumber: app.case.caseNumber,
      });
      return {
        status: 200,
        raw: { contentType: DOCX, data },
        headers: { 'content-disposition': `attachment; filename="ruling-${app.id}.docx"` },
      };
    }
    return {
      status: 200,
      body: { text: ruling.text, closingReason: ruling.closingReason, paragraphs: ruling.paragraphs },
    };
  },
);

export const closeApplicationRoute = defineIdempotentRoute(
  {
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
  },
  authenticator,
  // closure, closingReason and restrictionsLifted come from the stored closure record.
  (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) => closeApplication(deps(), req.principal, req.params.id, req.body, idempotency),
);

export const resumeRoute = defineIdempotentRoute(
  {
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
      })
      .meta({ id: 'Resumption' }),
    responses: [
      { status: 200, description: 'Resumed', schema: Application },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or outside your jurisdiction'),
      problem(409, 'INVALID_STATUS'),
      problem(422, 'AMOUNT_OVER_RELIEF'),
    ],
  },
  authenticator,
  (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
  (req, idempotency) => resumeEnforcement(deps(), req.principal, req.params.id, req.body, idempotency),
);

export const recoveryRoute = defineIdempotentRoute(
  {
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
  },
  authenticator,
  (app: ApplicationRecord) => {
    const cap = app.payout?.amountFen ?? app.reliefAmountFen;
    return {
      status: 201,
      body: { recoveredFen: app.recoveredFen ?? 0, remainingFen: cap - (app.recoveredFen ?? 0) },
      headers: {},
    };
  },
  (req, idempotency) => recordRecovery(deps(), req.principal, req.params.id, req.body, idempotency),
);
