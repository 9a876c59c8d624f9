import { idempotent } from '../idempotency.ts';
import { Application, ApplicationParams, COMMON_ERRORS, PatchApplicationBody, problem } from '../schemas.ts';

export const patchApplication = idempotent({
  operationId: 'patchApplication',
  method: 'PATCH',
  path: '/applications/{id}',
  summary: 'Edit a draft or returned application (If-Match required)',
  tags: ['applications'],
  auth: 'jwt',
  params: ApplicationParams,
  body: PatchApplicationBody,
  headers: [{ name: 'If-Match', required: true, description: 'The ETag you read.' }],
  responses: [
    { status: 200, description: 'Updated', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'VERSION_CONFLICT, INVALID_STATUS, DUPLICATE_APPLICATION'),
    problem(422, 'INELIGIBLE, ID_TYPE_MISMATCH'),
    problem(428, 'IF_MATCH_REQUIRED'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'DUP', 'IDEMP', 'REPORT', 'SEALQ'] } },
});
