import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { approvalsPk, DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import { ConflictError } from '../../../functions/lib/errors.ts';
import type { ApplicationRecord, AuditInput } from '../../../functions/ports/applications.ts';
import { CampaignWriteConflictError, type StoredCampaign } from '../../../functions/ports/campaigns.ts';
import type { CampaignPatch } from '../../../functions/usecases/campaigns.ts';
import { patchCampaign } from '../../../functions/usecases/patch-campaign.ts';
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

function record(
  campaignId: string,
  highCourtCode: string,
  claimAmountFen: number,
  special?: string,
): ApplicationRecord {
  return applicationRecord(
    {
      id: newId(),
      ...(special === undefined ? {} : { specialCircumstance: { reason: special } }),
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
async function approve(campaignId: string, highCourtCode: string, claimFen: number, special?: string) {
  const app = await repo.create(
    record(campaignId, highCourtCode, claimFen, special),
    audit('application.created'),
  );
  await repo.update(
    app.id,
    (current) => ({
      next: { ...current, status: 'awaiting_payout', version: current.version + 1 },
      audit: { ...audit('decision.approve'), fromStatus: current.status, toStatus: 'awaiting_payout' },
    }),
    { quota: { campaignId, highCourtCode, amountFen: 1_000, op: 'reserve' } },
  );
}

/** The marks and counters of a campaign, by sort key. */
async function approvalItems(campaignId: string): Promise<string[]> {
  const out = await local.doc.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': approvalsPk(campaignId) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.sk)).sort();
}

/** Items as the approvals of before wrote them (ANY# on every approval, STANDARD# twin when standard). */
async function putLegacy(campaignId: string, items: Array<Record<string, unknown>>) {
  for (const item of items) {
    await local.doc.send(
      new PutCommand({ TableName: TABLE, Item: { pk: approvalsPk(campaignId), ...item } }),
    );
  }
}

async function newCampaign() {
  const id = `C${uniq()}`.replace(/[^0-9A-Za-z]/g, '');
  const at = new Date().toISOString();
  for (const hc of ['JX', 'BJ']) await campaigns.seedQuota(id, hc, 1_000_000, at);
  return campaigns.create({ ...demoCampaign(new Date()), id }, audit('campaign.created'), at);
}

describe('approvals marks per high court (DynamoDB)', () => {
  it('writes one mark and a counter of its own high court only: two high courts share no item', async () => {
    const campaign = await newCampaign();
    await approve(campaign.id, 'JX', 3_000_000);
    await approve(campaign.id, 'BJ', 3_000_000);
    expect(await approvalItems(campaign.id)).toEqual([
      'COUNTER#BJ',
      'COUNTER#JX',
      'STANDARD#000000003000000#BJ',
      'STANDARD#000000003000000#JX',
    ]);
  });

  it('marks an approval with a special circumstance SPECIAL#: it counts against the special limit only', async () => {
    const campaign = await newCampaign();
    await approve(campaign.id, 'JX', 3_000_000);
    await approve(campaign.id, 'BJ', 8_000_000, '重大疾病，家庭无其他收入。');
    // A blank reason is no special circumstance.
    await approve(campaign.id, 'BJ', 2_000_000, '  ');
    expect(await approvalItems(campaign.id)).toEqual([
      'COUNTER#BJ',
      'COUNTER#JX',
      'SPECIAL#000000008000000#BJ',
      'STANDARD#000000002000000#BJ',
      'STANDARD#000000003000000#JX',
    ]);
    expect(await campaigns.approvedHighWater(campaign.id)).toEqual({
      anyClaimFen: 8_000_000,
      standardClaimFen: 3_000_000,
      approvals: { 'COUNTER#BJ': 2, 'COUNTER#JX': 1 },
    });
  });

  it('honours the marks of before: an ANY# alone blocks lowering the special limit, one with a STANDARD# twin the standard limit', async () => {
    const lower = (c: StoredCampaign, patch: CampaignPatch) =>
      patchCampaign(
        { campaignStore: campaigns, now: () => new Date() },
        spc,
        c.id,
        c.version ?? 0,
        patch,
      ).catch((e: unknown) => e);
    const paths = (e: unknown) => (e as ConflictError).errors?.map((p) => p.path);
    // A special approval of before: ANY# alone. The special limit may not go below it, the standard may.
    const special = await newCampaign();
    await putLegacy(special.id, [{ sk: 'ANY#000000009000000#BJ', entity: 'approval-mark' }]);
    const refused = await lower(special, { standardLimitFen: 4_000_000, specialLimitFen: 8_000_000 });
    expect(refused).toBeInstanceOf(ConflictError);
    expect(paths(refused)).toEqual(['specialLimitFen']);
    await expect(lower(special, { standardLimitFen: 1_000_000 })).resolves.toMatchObject({
      standardLimitFen: 1_000_000,
    });
    // A standard approval of before: ANY# with its STANDARD# twin. Now the standard limit holds too.
    const standard = await newCampaign();
    await putLegacy(standard.id, [
      { sk: 'ANY#000000004000000#BJ', entity: 'approval-mark' },
      { sk: 'STANDARD#000000004000000#BJ', entity: 'approval-mark' },
    ]);
    const both = await lower(standard, { standardLimitFen: 3_000_000, specialLimitFen: 3_000_000 });
    expect(paths(both)?.sort()).toEqual(['specialLimitFen', 'standardLimitFen']);
    await expect(lower(standard, { standardLimitFen: 4_000_000 })).resolves.toMatchObject({
      standardLimitFen: 4_000_000,
    });
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
    await putLegacy(campaign.id, [
      { sk: 'ANY#000000007000000', entity: 'approval-mark' },
      { sk: 'COUNTER', entity: 'approval-counter', approvals: 4 },
    ]);
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
