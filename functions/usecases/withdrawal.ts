import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/**
 * 撤回申请: the executing court's clerk withdraws a draft or returned application, e.g. one made in the
 * wrong campaign. The application stays, as `withdrawn`, with its trail; the system-wide duplicate
 * lock is released in the same transaction, so the same case and applicant may apply again; a
 * returned application stops being counted as returned in the reports (domain/lifecycle.ts withdraw).
 */
export async function withdrawApplication(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reason: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
): Promise<ApplicationRecord> {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.withdraw(current, { actor: principal, reason: input.reason }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => (idempotency ? { idempotency } : {})));
}
