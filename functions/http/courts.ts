import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import { Court, CourtCode, CourtImportBody, CourtImportReport, CourtUpdate, problem } from './schemas.ts';

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

/**
 * POST /courts/imports (spc-admin): the official designation list replaces the generated data of the
 * courts it names (upsert), all or nothing, under the same rules as PUT; `dryRun` reports and writes
 * nothing. Applied, one audit entry names every court added or changed (on each court's trail).
 */
export const importCourts = idempotent({
  operationId: 'importCourts',
  method: 'POST',
  path: '/courts/imports',
  summary: 'Import courts (upsert, all or nothing, with a dry run) (SPC administrator)',
  tags: ['reference'],
  auth: 'jwt',
  roles: ['spc-admin'],
  body: CourtImportBody,
  responses: [
    { status: 200, description: 'What the import changes (dry run) or changed', schema: CourtImportReport },
    ...COMMON_ERRORS,
    problem(409, 'CASE_PREFIX_TAKEN, CONCURRENT_UPDATE'),
    problem(413, 'IMPORT_TOO_LARGE'),
    problem(
      422,
      'DUPLICATE_COURT_CODE, UNKNOWN_PARENT_COURT, COURT_PARENT_CYCLE, COURT_PARENT_CROSSES_PROVINCE, COURT_LEVEL_MISMATCH, COURT_PROVINCE_MISMATCH, INVALID_CASE_COURT_PREFIX, DIRECT_TO_HIGH_COURT_NOT_ALLOWED, INVALID_COURT_CODE',
    ),
  ],
  access: { table: { write: ['COURTS', 'COURTS_AUDIT', 'IDEMP', 'SEALQ'] } },
});

const CourtAuditEntry = z
  .looseObject({
    seq: z.number(),
    at: z.string(),
    actor: z.object({ sub: z.string(), court: z.string(), roles: z.array(z.string()) }),
    action: z.string(),
    courts: z.array(z.string()),
    detail: z.record(z.string(), z.unknown()),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: 'CourtAuditEntry' });

/**
 * GET /courts/{code}/audit: the registry's changes naming this court, oldest first, and whether the
 * registry's whole hash chain (every PUT and import, one chain) verifies.
 */
export const getCourtAudit = defineSpec({
  operationId: 'getCourtAudit',
  method: 'GET',
  path: '/courts/{code}/audit',
  summary: 'The audit trail of one court (the registry’s hash chain, filtered)',
  tags: ['reference'],
  auth: 'jwt',
  params: z.strictObject({ code: CourtCode }),
  responses: [
    {
      status: 200,
      description: 'The trail',
      schema: z.object({ items: z.array(CourtAuditEntry), chainValid: z.boolean() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown court'),
  ],
  access: { table: { read: ['COURTS', 'COURTS_AUDIT'] } },
});
