import { type ChainVerification, GENESIS_HASH, verifyChain } from '../domain/audit-chain.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError, NotFoundError } from '../lib/errors.ts';
import type { AuditEntry } from '../ports/applications.ts';
import type { CampaignAdminDeps } from './campaigns.ts';

/** The change trail of a campaign, for the SPC, verified against the head kept on the campaign. */
export async function getCampaignAudit(
  deps: Pick<CampaignAdminDeps, 'campaignStore'>,
  principal: Principal,
  id: string,
): Promise<{ entries: AuditEntry[]; verification: ChainVerification }> {
  if (principal.court !== 'SPC') {
    throw new ForbiddenError('CAMPAIGN_AUDIT_NOT_VISIBLE', 'A campaign’s change trail is read at the SPC.');
  }
  const campaign = await deps.campaignStore.get(id, { consistent: true });
  if (!campaign) throw new NotFoundError(`No campaign ${id}.`);
  const entries = await deps.campaignStore.listAudit(id);
  const head = { seq: campaign.auditSeq ?? 0, hash: campaign.auditHead ?? GENESIS_HASH };
  const verification = verifyChain(
    entries.filter((e) => e.seq <= head.seq),
    { head },
  );
  return { entries, verification };
}
