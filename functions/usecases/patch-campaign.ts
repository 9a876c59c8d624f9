import type { Principal } from '../lib/auth.ts';
import { ConcurrentUpdateError, ConflictError, NotFoundError } from '../lib/errors.ts';
import { CampaignWriteConflictError, type StoredCampaign } from '../ports/campaigns.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import {
  type CampaignAdminDeps,
  type CampaignInput,
  type CampaignPatch,
  type CampaignView,
  campaignView,
  normaliseCampaign,
  type Problem,
  requireSpcAdmin,
} from './campaigns.ts';

/**
 * `PATCH /campaigns/{id}` with If-Match: the changed fields, audited `campaign.updated` with each
 * field's before and after. Limits never go below a claim already approved (409 LIMIT_BELOW_APPROVED).
 */
export async function patchCampaign(
  deps: CampaignAdminDeps,
  principal: Principal,
  id: string,
  expectedVersion: number,
  patch: CampaignPatch,
  idempotency?: IdempotentWrite<StoredCampaign>,
): Promise<StoredCampaign> {
  requireSpcAdmin(principal);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.campaignStore.get(id, { consistent: true });
    if (!current) throw new NotFoundError(`No campaign ${id}.`);
    if ((current.version ?? 0) !== expectedVersion) {
      throw new ConflictError(
        'VERSION_CONFLICT',
        'The campaign changed since you read it; reload and retry.',
      );
    }
    const before = campaignView(current);
    const merged: CampaignInput = { ...before, ...withoutUndefined(patch), id };
    const next = normaliseCampaign(merged);
    // The basis a campaign cites is stored once set; moving its dates does not silently change it.
    if (patch.rulingLegalBasis === undefined) next.rulingLegalBasis = before.rulingLegalBasis;
    const high = await deps.campaignStore.approvedHighWater(id);
    const below: Problem[] = [];
    if (next.specialLimitFen < high.anyClaimFen) {
      below.push({
        code: 'LIMIT_BELOW_APPROVED',
        path: 'specialLimitFen',
        message: `An application with a claim of ${high.anyClaimFen} fen is already approved.`,
      });
    }
    if (next.standardLimitFen < high.standardClaimFen) {
      below.push({
        code: 'LIMIT_BELOW_APPROVED',
        path: 'standardLimitFen',
        message: `An application with a claim of ${high.standardClaimFen} fen (no special circumstance) is already approved.`,
      });
    }
    if (below.length > 0) {
      throw new ConflictError(
        'LIMIT_BELOW_APPROVED',
        'A limit cannot be lowered below a claim already approved in this campaign; nothing was written.',
        { errors: below },
      );
    }
    const after = campaignView(next);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(after) as (keyof CampaignView)[]) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
        changes[key] = { from: before[key], to: after[key] };
      }
    }
    try {
      return await deps.campaignStore.update(
        current,
        next,
        {
          actor: principal,
          action: 'campaign.updated',
          fromStatus: null,
          toStatus: null,
          detail: { campaignId: id, fromVersion: current.version ?? 0, changes },
        },
        deps.now().toISOString(),
        high.approvals,
        idempotency,
      );
    } catch (error) {
      // Another change or an approval came in between: read again (a changed version is then 409).
      if (!(error instanceof CampaignWriteConflictError)) throw error;
    }
  }
  throw new ConcurrentUpdateError('The campaign kept changing; nothing was written. Retry shortly.');
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
