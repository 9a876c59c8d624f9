import { verifyChain } from '../domain/audit-chain.ts';
import {
  type Court,
  type CourtIssue,
  type CourtRegistry,
  courtDiff,
  issueStatus,
  validateCourts,
} from '../domain/court-registry.ts';
import type { Principal } from '../lib/auth.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnprocessableError,
} from '../lib/errors.ts';
import type { CourtStore } from '../ports/courts.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';

export interface CourtDeps {
  courts: CourtStore;
}

export type CourtFields = Omit<Court, 'code'>;

function requireSpcAdmin(principal: Principal) {
  if (principal.court !== 'SPC' || !principal.roles.includes('spc-admin')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an SPC administrator changes the court registry.');
  }
}

/** The refusal for a registry that breaks rules: 409 for a designation taken, else 422; all issues listed. */
export function refusalOf(issues: CourtIssue[], pathOf: (i: CourtIssue) => string = (i) => i.field) {
  const first = issues.find((i) => issueStatus(i) === 422) ?? (issues[0] as CourtIssue);
  const errors = issues.map((i) => ({ code: i.code, path: pathOf(i), message: i.message }));
  return issueStatus(first) === 409
    ? new ConflictError(first.code, first.message, { errors })
    : new UnprocessableError(first.code, first.message, { errors });
}

/**
 * PUT /courts/{code}: replaces one court's fields, validated against the registry as it would be after
 * (parent known, no cycle, same province, levels consistent, designation unique), audited in the
 * registry's hash chain in the same transaction. `expectedVersion` (If-Match, optional) is the
 * registry's version. A change of nothing writes nothing.
 */
export async function putCourt(
  deps: CourtDeps,
  principal: Principal,
  code: string,
  fields: CourtFields,
  expectedVersion: number | undefined,
  idempotency?: IdempotentWrite<CourtRegistry>,
): Promise<CourtRegistry> {
  requireSpcAdmin(principal);
  const base = await deps.courts.registry({ fresh: true });
  const before = base.get(code);
  if (!before) throw new NotFoundError(`No court with code ${code}.`);
  if (expectedVersion !== undefined && expectedVersion !== base.version) {
    throw new ConflictError(
      'VERSION_CONFLICT',
      'The court registry was changed since you read it; reload and retry.',
    );
  }
  const after: Court = { code, ...fields };
  const changes = courtDiff(before, after);
  if (Object.keys(changes).length === 0) return base;
  const courts = base.courts.map((c) => (c.code === code ? after : c));
  const issues = validateCourts(courts, new Set([code]));
  if (issues.length > 0) throw refusalOf(issues);
  return deps.courts.replace(
    base,
    courts,
    { actor: principal, action: 'court.updated', courts: [code], detail: { code, changes } },
    idempotency,
  );
}

/**
 * The registry's changes naming one court, oldest first, and whether the registry's whole hash chain
 * (every PUT and import, one chain) verifies.
 */
export async function courtAudit(deps: CourtDeps, code: string) {
  const registry = await deps.courts.registry();
  if (!registry.get(code)) throw new NotFoundError(`No court with code ${code}.`);
  const all = await deps.courts.listAudit();
  const items = all.filter((e) => e.courts.includes(code));
  return { items, chainValid: verifyChain(all).valid };
}

/** One court of an import: the whole row, as `PUT /courts/{code}` takes it plus its code. */
export type ImportedCourt = Court;

export interface CourtImportReport {
  dryRun: boolean;
  /** True when the registry was written (an apply with at least one change). */
  applied: boolean;
  /** The registry's version after the import (unchanged for a dry run or an import of nothing new). */
  version: number;
  total: number;
  added: Court[];
  changed: { code: string; name: string; changes: Record<string, { from: unknown; to: unknown }> }[];
  unchanged: number;
}

/**
 * The audit entry and the stored response of an import are single DynamoDB items (400 KB): an import
 * whose changes would not fit is refused whole (split the file, e.g. by province).
 */
export const MAX_IMPORT_DETAIL_BYTES = 300_000;

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
