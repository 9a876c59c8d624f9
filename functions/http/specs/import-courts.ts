import { idempotent } from '../idempotency.ts';
import { COMMON_ERRORS, CourtImportBody, CourtImportReport, problem } from '../schemas.ts';

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
