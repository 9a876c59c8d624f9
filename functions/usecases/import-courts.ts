import {
  type Court,
  type CourtIssue,
  type CourtRegistry,
  courtDiff,
  validateCourts,
} from '../domain/court-registry.ts';
import type { Principal } from '../lib/auth.ts';
import { PayloadTooLargeError } from '../lib/errors.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import {
  type CourtDeps,
  type CourtImportReport,
  type ImportedCourt,
  MAX_IMPORT_DETAIL_BYTES,
  refusalOf,
  requireSpcAdmin,
} from './courts.ts';

/**
 * POST /courts/imports: the official designation list replaces the generated data of the courts it
 * names (upsert). Every row is validated against the registry as it would be after the whole import
 * (the same rules as PUT /courts/{code}) before anything is written; any issue refuses the whole file,
 * each issue naming its row (`courts/<index>/<field>`). A dry run (the default of the CLI) reports the
 * changes and writes nothing. Applied, it is one registry write with one audit entry naming every court
 * it added or changed (so it is on each of their trails) and listing each change field by field.
 */
export async function importCourts(
  deps: CourtDeps,
  principal: Principal,
  rows: readonly ImportedCourt[],
  dryRun: boolean,
  idempotency?: IdempotentWrite<CourtImportReport>,
): Promise<CourtImportReport> {
  requireSpcAdmin(principal);
  const rowOf = new Map<string, number>();
  const duplicates: CourtIssue[] = [];
  rows.forEach((row, i) => {
    const first = rowOf.get(row.code);
    if (first === undefined) rowOf.set(row.code, i);
    else
      duplicates.push({
        court: `#${i}`,
        code: 'DUPLICATE_COURT_CODE',
        field: 'code',
        message: `${row.code} is already row ${first + 1} of this import`,
      });
  });
  const pathOf = (i: CourtIssue) => {
    if (i.court.startsWith('#')) return `courts/${i.court.slice(1)}/${i.field}`;
    const row = rowOf.get(i.court);
    return row === undefined ? `registry/${i.court}/${i.field}` : `courts/${row}/${i.field}`;
  };
  if (duplicates.length > 0) throw refusalOf(duplicates, pathOf);

  const base = await deps.courts.registry({ fresh: true });
  const added: Court[] = [];
  const changed: CourtImportReport['changed'] = [];
  const next = new Map(base.courts.map((c) => [c.code, c]));
  for (const row of rows) {
    const court: Court = { ...row };
    const before = base.get(court.code);
    if (!before) added.push(court);
    else {
      const changes = courtDiff(before, court);
      if (Object.keys(changes).length > 0) changed.push({ code: court.code, name: court.name, changes });
    }
    next.set(court.code, court);
  }
  const touched = new Set([...added.map((c) => c.code), ...changed.map((c) => c.code)]);
  const courts = [...next.values()];
  const issues = validateCourts(courts, touched);
  if (issues.length > 0) throw refusalOf(issues, pathOf);

  const report = (version: number, applied: boolean): CourtImportReport => ({
    dryRun,
    applied,
    version,
    total: rows.length,
    added,
    changed,
    unchanged: rows.length - touched.size,
  });
  const detail = {
    added,
    changed: Object.fromEntries(changed.map((c) => [c.code, c.changes])),
    unchanged: rows.length - touched.size,
  };
  if (Buffer.byteLength(JSON.stringify(detail)) > MAX_IMPORT_DETAIL_BYTES) {
    throw new PayloadTooLargeError(
      'IMPORT_TOO_LARGE',
      `This import changes ${touched.size} courts, more than one audited change can record; split the file (e.g. by province).`,
    );
  }
  if (dryRun || touched.size === 0) return report(base.version, false);
  const stored = await deps.courts.replace(
    base,
    courts,
    { actor: principal, action: 'courts.imported', courts: [...touched], detail },
    idempotentVia(idempotency, (registry: CourtRegistry) => report(registry.version, true)),
  );
  return report(stored.version, true);
}
