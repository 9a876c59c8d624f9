import { NotFoundError } from '../lib/errors.ts';
import type { CampaignStore } from '../ports/campaigns.ts';

/** One campaign as the SPC last saved it (a consistent read; the route answers its version as ETag). */
export async function getCampaign(deps: { campaigns: CampaignStore }, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId, { consistent: true });
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  return campaign;
}
