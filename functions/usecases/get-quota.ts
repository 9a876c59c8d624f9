import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import { type QuotaDeps, quotaView, requireCampaign, visibleHolder } from './quotas.ts';

export async function getQuota(
  deps: QuotaDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
) {
  await requireCampaign(deps, campaignId);
  const holder = visibleHolder(principal);
  if (holder !== 'all' && holder !== highCourtCode) throw new NotFoundError();
  const quota = await deps.quotas.get(campaignId, highCourtCode);
  if (!quota) throw new NotFoundError(`No quota for ${highCourtCode} in ${campaignId}.`);
  return quotaView(quota);
}
