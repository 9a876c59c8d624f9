import { remainingFen } from '../domain/approval.ts';
import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError, NotFoundError } from '../lib/errors.ts';
import type { CampaignStore, QuotaRecord } from '../ports/campaigns.ts';
import type { QuotaLedger } from '../ports/quotas.ts';

export interface QuotaDeps {
  quotas: QuotaLedger;
  campaigns: CampaignStore;
}

export type QuotaView = ReturnType<typeof quotaView>;

export function quotaView(q: QuotaRecord) {
  return {
    campaignId: q.campaignId,
    highCourtCode: q.highCourtCode,
    allocatedFen: q.allocatedFen,
    reservedFen: q.reservedFen,
    disbursedFen: q.disbursedFen,
    remainingFen: remainingFen(q),
    updatedAt: q.updatedAt,
  };
}

export async function requireCampaign(deps: QuotaDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  return campaign;
}

/** Which quotas a principal may read: the SPC all, a high court (clerks and approvers) its own. */
export function visibleHolder(principal: Principal): 'all' | string {
  if (principal.court === 'SPC') return 'all';
  if (isQuotaHolder(principal.court)) return principal.court;
  throw new ForbiddenError(
    'QUOTA_NOT_VISIBLE',
    'Quotas are read by the SPC and by each high court for itself.',
  );
}
