import { type Court, type CourtRegistry, courtDiff, validateCourts } from '../domain/court-registry.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type CourtDeps, type CourtFields, refusalOf, requireSpcAdmin } from './courts.ts';

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
