import type { Principal } from '../lib/auth.ts';
import { ForbiddenError } from '../lib/errors.ts';
import type { ApplicationStore } from '../ports/application-store.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { ReconciliationStore, StoredReconciliation } from '../ports/reconciliations.ts';
import { hasRole } from './applications.ts';

export interface ReconciliationDeps {
  repo: Pick<ApplicationStore, 'list'>;
  campaigns: CampaignStore;
  reconciliations: ReconciliationStore;
  now: () => Date;
  newId: () => string;
}

export function assertSpcAdmin(principal: Principal) {
  if (principal.court !== 'SPC' || !hasRole(principal, 'spc-admin')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Statements are reconciled by the SPC’s administrators.');
  }
}

export function reconciliationView(rec: StoredReconciliation) {
  return { ...rec };
}
