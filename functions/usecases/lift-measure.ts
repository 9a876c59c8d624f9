import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/**
 * 解除措施: lifts one measure of `case.measures` (by its reference) after closure. Refused with 409
 * RESTRICTIONS_MUST_REMAIN while the case is relief-closed, and after resumption until the money
 * recovered reaches the resumed amount (domain/post-closure.ts liftRefusal); 409 INVALID_STATUS before
 * closure (edit the draft's measures instead); 422 UNKNOWN_MEASURE / MEASURE_ALREADY_LIFTED.
 */
export async function liftMeasure(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reference: string; basis: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.liftMeasure(current, { actor: principal, ...input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}
