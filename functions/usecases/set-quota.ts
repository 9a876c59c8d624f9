import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { QuotaBelowCommittedError } from '../ports/quotas.ts';
import { type QuotaDeps, type QuotaView, quotaView, requireCampaign } from './quotas.ts';

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
