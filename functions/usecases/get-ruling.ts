import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError } from '../lib/errors.ts';
import { type ApplicationDeps, loadVisible } from './applications.ts';
import { rulingOf } from './closure.ts';

export async function getRuling(deps: ApplicationDeps, principal: Principal, id: string) {
  const app = await loadVisible(deps, principal, id);
  if (!lifecycle.isPaidOut(app.status) || !app.payout?.paidAt) {
    throw new ConflictError('NOT_PAID', 'The ruling exists once the relief has been paid.');
  }
  const [courts, campaign] = await Promise.all([deps.courts.registry(), deps.campaigns.get(app.campaignId)]);
  return { app, ruling: rulingOf(app, courts, campaign) };
}
