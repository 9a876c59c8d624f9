import { idempotent } from '../idempotency.ts';
import { Application, COMMON_ERRORS, CreateApplicationBody, problem } from '../schemas.ts';

export const createApplication = idempotent({
  operationId: 'createApplication',
  method: 'POST',
  path: '/applications',
  summary: 'Create an application (创建救助申请) for one applicant in one case',
  tags: ['applications'],
  auth: 'jwt',
  roles: ['clerk'],
  body: CreateApplicationBody,
  responses: [
    { status: 201, description: 'Created as draft', schema: Application },
    ...COMMON_ERRORS,
    problem(409, 'DUPLICATE_APPLICATION or CAMPAIGN_NOT_OPEN'),
    problem(
      422,
      'INELIGIBLE (every failing condition in errors), ID_TYPE_MISMATCH (a valid resident ID number sent with idType other), UNKNOWN_CAMPAIGN, IDEMPOTENCY_KEY_REUSED',
    ),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'DUP', 'IDEMP', 'SEALQ'] } },
});
