import type { Campaign } from '../../domain/campaigns.ts';
import type { CampaignStore, QuotaRecord } from '../../ports/campaigns.ts';
import { copy, type MemoryState, tick } from './state.ts';

/** Campaigns as data, in memory; seeding and administration as the DynamoDB campaign store offers them. */
export class MemoryCampaignStore implements CampaignStore {
  constructor(private readonly state: MemoryState) {}

  async get(id: string): Promise<Campaign | undefined> {
    await tick();
    return copy(this.state.campaigns.get(id));
  }

  known(): Campaign[] {
    return [...this.state.campaigns.values()].map((c) => copy(c));
  }

  async list(): Promise<Campaign[]> {
    await tick();
    return [...this.state.campaigns.values()]
      .map((c) => copy(c))
      .sort((a, b) => a.handling.start.localeCompare(b.handling.start));
  }

  /** Writes the campaign as given (idempotent; a later put replaces it, e.g. with other limits). */
  async put(campaign: Campaign): Promise<void> {
    await tick();
    this.state.campaigns.set(campaign.id, copy(campaign));
  }

  /** Seeds a quota row only if none exists, so a restart never resets what was reserved or paid. */
  async seedQuota(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    at: string,
  ): Promise<boolean> {
    await tick();
    const key = `${campaignId}#${highCourtCode}`;
    if (this.state.quotas.has(key)) return false;
    const quota: QuotaRecord = {
      campaignId,
      highCourtCode,
      allocatedFen,
      reservedFen: 0,
      disbursedFen: 0,
      availableFen: allocatedFen,
      version: 1,
      updatedAt: at,
    };
    this.state.quotas.set(key, quota);
    return true;
  }
}
