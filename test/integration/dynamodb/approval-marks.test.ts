import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { approvalsPk, DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import type { ApplicationRecord, AuditInput } from '../../../functions/ports/applications.ts';
import { CampaignWriteConflictError } from '../../../functions/ports/campaigns.ts';
import { applicationRecord } from '../../support/application-record.ts';
import { useLocalTable } from '../../support/local-table.ts';

/**
 * A final approval's marks against the campaign's limits (issue 13 item 3: no item written by more than
 * one high court's traffic): each high court has its own approvals counter and its own claim marks,
 * so approvals at two high courts share no item; the SPC's limit change still sees the largest claim
 * approved anywhere and is cancelled by an approval at any high court that lands between its read
 * and its write — including the first approval of a high court that had none when it read.
 */
const TABLE = 'relief';
const local = useLocalTable({ table: TABLE });
let repo: DynamoApplicationRepository;
let campaigns: DynamoCampaignStore;

beforeAll(async () => {
  repo = new DynamoApplicationRepository(local.doc, TABLE);
  campaigns = new DynamoCampaignStore(local.doc, TABLE);
});

let serial = 0;
const run = `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)}`;
const newId = () => `M${run}${String(++serial).padStart(6, '0')}`.padEnd(26, '0').slice(0, 26);
const uniq = () => `${run}-${++serial}`;
const spc = { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin' as const] };
const audit = (action: string, actor: AuditInput['actor'] = spc): AuditInput => ({
  actor,
  action,
  fromStatus: null,
  toStatus: null,
  detail: {},
});

function record(campaignId: string, highCourtCode: string, claimAmountFen: number): ApplicationRecord {
  return applicationRecord(
    {
      id: newId(),
      campaignId,
      courtCode: `${highCourtCode}0102`,
      highCourtCode,
      status: 'pending_approval',
      route: [highCourtCode],
      pendingAt: highCourtCode,
      ancestors: [`${highCourtCode}01`, highCourtCode],
    },
    { caseNumber: `(2024)${highCourtCode}执${uniq()}号`, claimAmountFen },
  );
}

/** A final approval's write as the decision makes it: the status moves and the quota is reserved. */
async function approve(campaignId: string, highCourtCode: string, claimFen: number) {
  const app = await repo.create(record(campaignId, highCourtCode, claimFen), audit('application.created'));
  await repo.update(
    app.id,
    (current) => ({
      next: { ...current, status: 'awaiting_payout', version: current.version + 1 },
      audit: { ...audit('decision.approve'), fromStatus: current.status, toStatus: 'awaiting_payout' },
    }),
    { quota: { campaignId, highCourtCode, amountFen: 1_000, op: 'reserve' } },
  );
}

async function newCampaign() {
  const id = `C${uniq()}`.replace(/[^0-9A-Za-z]/g, '');
  const at = new Date().toISOString();
  for (const hc of ['JX', 'BJ']) await campaigns.seedQuota(id, hc, 1_000_000, at);
  return campaigns.create({ ...demoCampaign(new Date()), id }, audit('campaign.created'), at);
}

describe('approvals marks per high court (DynamoDB)', () => {
  it('writes marks and a counter of its own high court only: two high courts share no item', async () => {
    const campaign = await newCampaign();
    await approve(campaign.id, 'JX', 3_000_000);
    await approve(campaign.id, 'BJ', 3_000_000);
    const out = await local.doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': approvalsPk(campaign.id) },
        ConsistentRead: true,
      }),
    );
    const sks = (out.Items ?? []).map((i) => String(i.sk)).sort();
    expect(sks).toEqual([
      'ANY#000000003000000#BJ',
      'ANY#000000003000000#JX',
      'COUNTER#BJ',
      'COUNTER#JX',
      'STANDARD#000000003000000#BJ',
      'STANDARD#000000003000000#JX',
    ]);
  });

  it('sees the largest claim approved at any high court, and marks written before they had a high court', async () => {
    const campaign = await newCampaign();
    await approve(campaign.id, 'JX', 3_000_000);
    await approve(campaign.id, 'BJ', 5_000_000);
    expect(await campaigns.approvedHighWater(campaign.id)).toEqual({
      anyClaimFen: 5_000_000,
      standardClaimFen: 5_000_000,
      approvals: { 'COUNTER#BJ': 1, 'COUNTER#JX': 1 },
    });
    // The campaign-wide mark and counter of before.
    for (const item of [
      { sk: 'ANY#000000007000000', entity: 'approval-mark' },
      { sk: 'COUNTER', entity: 'approval-counter', approvals: 4 },
    ]) {
      await local.doc.send(
        new PutCommand({ TableName: TABLE, Item: { pk: approvalsPk(campaign.id), ...item } }),
      );
    }
    expect(await campaigns.approvedHighWater(campaign.id)).toEqual({
      anyClaimFen: 7_000_000,
      standardClaimFen: 5_000_000,
      approvals: { COUNTER: 4, 'COUNTER#BJ': 1, 'COUNTER#JX': 1 },
    });
  });

  it('cancels a limit change when an approval lands after its read — at a high court counted then, or at one with none yet', async () => {
    const campaign = await newCampaign();
    await approve(campaign.id, 'JX', 3_000_000);
    const seen = await campaigns.approvedHighWater(campaign.id);
    const change = (approvals: Readonly<Record<string, number>>) =>
      campaigns.update(
        campaign,
        { ...campaign, name: `改 ${uniq()}` },
        audit('campaign.updated'),
        new Date().toISOString(),
        approvals,
      );
    // BJ had no approval (no counter) when the change read: its first approval must still cancel it.
    await approve(campaign.id, 'BJ', 4_000_000);
    const first = await change(seen.approvals).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CampaignWriteConflictError);
    // And a second approval at JX, whose counter the change had read.
    const again = await campaigns.approvedHighWater(campaign.id);
    await approve(campaign.id, 'JX', 3_000_000);
    expect(await change(again.approvals).catch((e: unknown) => e)).toBeInstanceOf(CampaignWriteConflictError);
    expect((await campaigns.get(campaign.id, { consistent: true }))?.name).toBe(campaign.name);
    // Read again, nothing in between: written.
    const now = await campaigns.approvedHighWater(campaign.id);
    expect(now.approvals).toEqual({ 'COUNTER#BJ': 1, 'COUNTER#JX': 2 });
    await expect(change(now.approvals)).resolves.toMatchObject({ version: (campaign.version ?? 1) + 1 });
  });
});
