import type { CampaignStore } from '../ports/campaigns.ts';
import { campaignView } from './campaigns.ts';

export async function listCampaigns(deps: { campaigns: CampaignStore }) {
  return { items: (await deps.campaigns.list()).map(campaignView), nextCursor: null };
}
