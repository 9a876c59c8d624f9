import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/**
 * 不予恢复执行: after an `assets-found` / `evasion-found` check, the executing court's clerk records
 * why enforcement is not resumed; `resumptionDue` goes back to false and the reason stays on the case.
 * Refused (409 RESUMPTION_NOT_DUE, nothing changes) unless the case is relief-closed with resumption due.
 */
export async function dismissResumption(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reason: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.dismissResumption(current, { actor: principal, reason: input.reason }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}
