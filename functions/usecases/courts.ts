import { type Court, type CourtIssue, issueStatus } from '../domain/court-registry.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import type { CourtStore } from '../ports/courts.ts';

export interface CourtDeps {
  courts: CourtStore;
}

export type CourtFields = Omit<Court, 'code'>;

export function requireSpcAdmin(principal: Principal) {
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
