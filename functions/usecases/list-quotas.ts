import type { Principal } from '../lib/auth.ts';
import { type QuotaDeps, quotaView, requireCampaign, visibleHolder } from './quotas.ts';

export async function listQuotas(deps: QuotaDeps, principal: Principal, campaignId: string) {
  await requireCampaign(deps, campaignId);
  const holder = visibleHolder(principal);
  const all = await deps.quotas.list(campaignId);
  return all.filter((q) => holder === 'all' || q.highCourtCode === holder).map(quotaView);
}
