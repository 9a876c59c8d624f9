import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import { assertSpcAdmin, type ReconciliationDeps, reconciliationView } from './reconciliations.ts';

export async function getReconciliation(
  deps: Pick<ReconciliationDeps, 'reconciliations'>,
  principal: Principal,
  campaignId: string,
  id: string,
) {
  assertSpcAdmin(principal);
  const rec = await deps.reconciliations.get(campaignId, id);
  if (!rec) throw new NotFoundError();
  return reconciliationView(rec);
}
