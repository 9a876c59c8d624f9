import { type ChainVerification, GENESIS_HASH, verifyChain } from '../domain/audit-chain.ts';
import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { AuditEntry } from '../ports/applications.ts';
import { type QuotaDeps, requireCampaign, visibleHolder } from './quotas.ts';

/**
 * The allocation trail (额度调整留痕) of one quota, for whoever may read the quota, verified against
 * the head kept on the quota row (so a removed newest entry is detected too).
 */
export async function getQuotaAudit(
  deps: QuotaDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
): Promise<{ entries: AuditEntry[]; verification: ChainVerification }> {
  await requireCampaign(deps, campaignId);
  const holder = visibleHolder(principal);
  if (holder !== 'all' && holder !== highCourtCode) throw new NotFoundError();
  const quota = await deps.quotas.get(campaignId, highCourtCode);
  if (!quota) throw new NotFoundError(`No quota for ${highCourtCode} in ${campaignId}.`);
  const entries = await deps.quotas.listAudit(campaignId, highCourtCode);
  const head = { seq: quota.auditSeq ?? 0, hash: quota.auditHead ?? GENESIS_HASH };
  // Entries written after the quota was read are newer than its head: returned, not judged.
  const verification = verifyChain(
    entries.filter((e) => e.seq <= head.seq),
    { head },
  );
  return { entries, verification };
}
