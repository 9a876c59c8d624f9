import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { COMMON_ERRORS, Court, CourtCode, CourtUpdate, problem } from '../schemas.ts';

/**
 * PUT /courts/{code} (spc-admin): the registry is table data. `If-Match` is optional here: a PUT sends
 * the whole court, and every change of the registry is serialised on its version anyway, so a client
 * that wants "only if nothing changed since I read" sends the ETag (the registry's version), and one
 * that means "make it so" need not re-read a registry any other court's change made stale.
 */
export const putCourt = idempotent({
  operationId: 'putCourt',
  method: 'PUT',
  path: '/courts/{code}',
  summary: 'Update one court of the registry (SPC administrator)',
  tags: ['reference'],
  auth: 'jwt',
  roles: ['spc-admin'],
  params: z.strictObject({ code: CourtCode }),
  headers: [
    { name: 'If-Match', required: false, description: 'Optional: the ETag (registry version) you read.' },
  ],
  body: CourtUpdate,
  responses: [
    { status: 200, description: 'The court as stored', schema: Court },
    ...COMMON_ERRORS,
    problem(400, 'INVALID_IF_MATCH'),
    problem(404, 'Unknown court'),
    problem(409, 'CASE_PREFIX_TAKEN, VERSION_CONFLICT, CONCURRENT_UPDATE'),
    problem(
      422,
      'UNKNOWN_PARENT_COURT, COURT_PARENT_CYCLE, COURT_PARENT_CROSSES_PROVINCE, COURT_LEVEL_MISMATCH, COURT_PROVINCE_MISMATCH, INVALID_CASE_COURT_PREFIX, DIRECT_TO_HIGH_COURT_NOT_ALLOWED',
    ),
  ],
  access: { table: { write: ['COURTS', 'COURTS_AUDIT', 'IDEMP', 'SEALQ'] } },
});
