import { remainingFen } from '../domain/approval.ts';
import { type ChainVerification, GENESIS_HASH, verifyChain } from '../domain/audit-chain.ts';
import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import type { AuditEntry } from '../ports/applications.ts';
import type { CampaignStore, QuotaRecord } from '../ports/campaigns.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { QuotaBelowCommittedError, type QuotaLedger } from '../ports/quotas.ts';

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

async function requireCampaign(deps: QuotaDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  return campaign;
}

/** Which quotas a principal may read: the SPC all, a high court (clerks and approvers) its own. */
function visibleHolder(principal: Principal): 'all' | string {
  if (principal.court === 'SPC') return 'all';
  if (isQuotaHolder(principal.court)) return principal.court;
  throw new ForbiddenError(
    'QUOTA_NOT_VISIBLE',
    'Quotas are read by the SPC and by each high court for itself.',
  );
}

export async function listQuotas(deps: QuotaDeps, principal: Principal, campaignId: string) {
  await requireCampaign(deps, campaignId);
  const holder = visibleHolder(principal);
  const all = await deps.quotas.list(campaignId);
  return all.filter((q) => holder === 'all' || q.highCourtCode === holder).map(quotaView);
}

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

/** 分配额度: the SPC sets a high court's allocation; never below what is already reserved or disbursed. */
export async function setQuota(
  deps: QuotaDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
  allocatedFen: number,
  idempotency?: IdempotentWrite<QuotaView>,
): Promise<QuotaView> {
  if (principal.court !== 'SPC' || !principal.roles.includes('spc-admin')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an SPC administrator allocates quotas.');
  }
  await requireCampaign(deps, campaignId);
  if (!isQuotaHolder(highCourtCode)) {
    throw new UnprocessableError(
      'NOT_A_QUOTA_HOLDER',
      `${highCourtCode} is not one of the 32 quota-holding high courts.`,
      {
        errors: [
          {
            code: 'NOT_A_QUOTA_HOLDER',
            path: 'highCourtCode',
            message: 'Only high courts and the XPCC branch hold quota.',
          },
        ],
      },
    );
  }
  try {
    const quota = await deps.quotas.allocate(
      campaignId,
      highCourtCode,
      allocatedFen,
      {
        actor: principal,
        action: 'quota.allocated',
        fromStatus: null,
        toStatus: null,
        detail: { campaignId, highCourtCode },
      },
      idempotentVia(idempotency, quotaView),
    );
    return quotaView(quota);
  } catch (error) {
    if (error instanceof QuotaBelowCommittedError) {
      throw new ConflictError(
        'QUOTA_BELOW_COMMITTED',
        'The allocation cannot be lower than what is reserved plus disbursed.',
      );
    }
    throw error;
  }
}
