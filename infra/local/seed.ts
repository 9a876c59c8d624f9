import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoCourtStore } from '../../functions/adapters/dynamodb/courts.ts';
import {
  CAMPAIGN_2018,
  type Campaign,
  demoCampaign,
  shanghaiDate,
  shanghaiEndOfDay,
  shanghaiStartOfDay,
} from '../../functions/domain/campaigns.ts';
import { COURTS, QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';

/** Demo allocation per quota holder: 1,000,000 CNY. The notice gives no figures; the SPC sets real ones. */
export const DEMO_ALLOCATION_FEN = 100_000_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A second demo campaign still in its preparation phase (drafts and uploads, no submission). */
export function demoPreparationCampaign(now: Date): Campaign {
  const d = shanghaiDate(now);
  return {
    ...demoCampaign(now),
    id: 'demo-prep',
    name: '演示救助活动（准备阶段，本地）',
    preparation: { start: shanghaiStartOfDay(addDays(d, -3)), end: shanghaiEndOfDay(addDays(d, 10)) },
    handling: { start: shanghaiStartOfDay(addDays(d, 11)), end: shanghaiEndOfDay(addDays(d, 60)) },
    reportDue: shanghaiEndOfDay(addDays(d, 72)),
  };
}

/**
 * Seeds campaigns and quotas. Campaign definitions are refreshed on every start (the demo campaign
 * moves with today); quota rows are only created when missing, so a restart keeps what was used.
 */
export async function seed(doc: DynamoDBDocumentClient, tableName: string, now: Date) {
  const store = new DynamoCampaignStore(doc, tableName);
  // The court registry is table data: seeded from the committed registry when the table has none,
  // never over what an administrator changed since (PUT /courts/{code}, courts import).
  const courtsSeeded = await new DynamoCourtStore(doc, tableName).seedIfAbsent(
    COURTS,
    'seed:courts.registry.json',
  );
  const campaigns = [
    CAMPAIGN_2018,
    demoCampaign(now),
    demoPreparationCampaign(now),
    // A second open campaign, so a report can be demonstrated (and tested) on figures nothing else touches.
    { ...demoCampaign(now), id: 'demo-b', name: '演示救助活动B（本地）' },
  ];
  let quotas = 0;
  for (const campaign of campaigns) {
    await store.put(campaign);
    for (const code of QUOTA_HOLDER_CODES) {
      if (await store.seedQuota(campaign.id, code, DEMO_ALLOCATION_FEN, now.toISOString())) quotas++;
    }
  }
  return { campaigns: campaigns.map((c) => c.id), quotasCreated: quotas, courtsSeeded };
}
