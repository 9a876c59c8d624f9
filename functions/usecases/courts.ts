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
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import type { CourtStore } from '../ports/courts.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';

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
