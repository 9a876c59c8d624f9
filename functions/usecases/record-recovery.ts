import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/** 执行到位: recovered money, never more in total than the relief amount, credited to the relief fund. */
export async function recordRecovery(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { amountFen: number; receivedAt: string; reference: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.recordRecovery(current, { actor: principal, ...input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}
