import { idempotent } from '../idempotency.ts';
import { Application, ApplicationParams, AssetCheckBody, COMMON_ERRORS, problem } from '../schemas.ts';

export const recordAssetCheck = idempotent({
  operationId: 'recordAssetCheck',
  method: 'POST',
  path: '/applications/{id}/asset-checks',
  summary:
    '财产查询: record an asset check of a relief-closed case (clerk of the executing court); assets or evasion found make resumption due',
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  body: AssetCheckBody,
  responses: [
    { status: 201, description: 'Recorded; the next check is due one interval later', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'NOT_RELIEF_CLOSED (not closed or resumed), DUPLICATE_ASSET_CHECK (same date and method)'),
    problem(
      422,
      'CHECK_IN_FUTURE, CHECK_BEFORE_CLOSURE, APPLICANT_NOTIFIED_BEFORE_CHECK, APPLICANT_NOTIFIED_IN_FUTURE',
    ),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});
