import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { DynamoReportStore } from '../../../functions/adapters/dynamodb/reports.ts';
import { GENESIS_HASH, sealEntry, verifyChain } from '../../../functions/domain/audit-chain.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import { QUOTA_HOLDER_CODES } from '../../../functions/domain/courts.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import type { AuditInput } from '../../../functions/ports/applications.ts';
import { campaignReport } from '../../../functions/usecases/get-campaign-report.ts';
import { seedCourts } from '../../support/courts.ts';
import { useLocalTable } from '../../support/local-table.ts';

/**
 * Quota lists at volume (Integrity defect 6): after thousands of quota PUTs the quota partition held
 * more than one 1 MB query page and `GET /campaigns/{id}/quotas` silently dropped the high courts
 * sorted after the first page (23 of 32 listed, 0 allocated in the report for 9). The rows now have a
 * partition of their own (QUOTA#<campaign>, issue 18: grants by key) and the trail another; thousands of
 * PUTs through HTTP are slow, so the trail items are written straight into DynamoDB Local here.
 */

const TABLE = 'relief';
const local = useLocalTable({ table: TABLE });
const SPC: Principal = { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin'] };
let campaigns: DynamoCampaignStore;

const allocation = (highCourtCode: string, campaignId: string): AuditInput => ({
  actor: SPC,
  action: 'quota.allocated',
  fromStatus: null,
  toStatus: null,
  detail: { campaignId, highCourtCode },
});

/** Distinct per court, so a court reported with another's (or no) allocation shows. */
const amountFor = (code: string) => 1_000_000 * (QUOTA_HOLDER_CODES.indexOf(code) + 1);

async function campaign(id: string) {
  await campaigns.put({ ...demoCampaign(new Date()), id });
  return id;
}

async function batchPut(items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await local.doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = (out.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
    }
  }
}

beforeAll(async () => {
  campaigns = new DynamoCampaignStore(local.doc, TABLE);
});

describe('quota list past one DynamoDB page', () => {
  it('lists all 32 quota holders, and the report their allocations, in one page however long the trails grow', async () => {
    const campaignId = await campaign('paging-trails');
    const ledger = new DynamoQuotaLedger(local.doc, TABLE);
    for (const code of QUOTA_HOLDER_CODES)
      await ledger.allocate(campaignId, code, amountFor(code), allocation(code, campaignId));
    // 1,600 entries of ~1 KB, as thousands of reallocations of four courts leave them: in the trails' partitions.
    const crowded = QUOTA_HOLDER_CODES.slice(0, 4);
    const trail = crowded.flatMap((code) =>
      Array.from({ length: 400 }, (_, i) => ({
        pk: `QUOTA_AUDIT#${campaignId}#${code}`,
        sk: `AUDIT#${String(i + 2).padStart(10, '0')}`,
        entity: 'quota-audit',
        ...sealEntry(
          {
            seq: i + 2,
            at: new Date().toISOString(),
            actor: SPC,
            action: 'quota.allocated',
            fromStatus: null,
            toStatus: null,
            detail: { campaignId, highCourtCode: code, note: '额度调整'.repeat(80) },
          },
          GENESIS_HASH,
        ),
      })),
    );
    await batchPut(trail);

    // The quota partition is the 32 rows and nothing else: one Query page, as the list reads it.
    const onePage = await local.doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `QUOTA#${campaignId}` },
        ConsistentRead: true,
      }),
    );
    expect(onePage.LastEvaluatedKey).toBeUndefined();
    expect(onePage.Items).toHaveLength(QUOTA_HOLDER_CODES.length);

    const listed = await ledger.list(campaignId);
    expect(listed.map((q) => q.highCourtCode).sort()).toEqual([...QUOTA_HOLDER_CODES].sort());
    for (const q of listed) expect(q.allocatedFen, q.highCourtCode).toBe(amountFor(q.highCourtCode));

    const report = await campaignReport(
      {
        reports: new DynamoReportStore(local.doc, TABLE),
        quotas: ledger,
        campaigns,
        courts: seedCourts,
        now: () => new Date(),
      },
      SPC,
      campaignId,
    );
    expect(report.byHighCourt).toHaveLength(QUOTA_HOLDER_CODES.length);
    for (const row of report.byHighCourt)
      expect(row.quota.allocatedFen, row.highCourtCode).toBe(amountFor(row.highCourtCode));
  });

  it('follows every page when pages are small (the adapter never trusts one Query)', async () => {
    const campaignId = await campaign('paging-small');
    const writer = new DynamoQuotaLedger(local.doc, TABLE);
    for (const code of QUOTA_HOLDER_CODES)
      await writer.allocate(campaignId, code, amountFor(code), allocation(code, campaignId));
    const reader = new DynamoQuotaLedger(local.doc, TABLE, () => new Date(), 3);
    const listed = await reader.list(campaignId);
    expect(listed).toHaveLength(QUOTA_HOLDER_CODES.length);
    for (const q of listed) expect(q.allocatedFen, q.highCourtCode).toBe(amountFor(q.highCourtCode));
  });

  it('keeps the quota rows in their own partition (QUOTA#<campaign> / <high court>), the trail and the campaign apart', async () => {
    const campaignId = await campaign('paging-layout');
    const ledger = new DynamoQuotaLedger(local.doc, TABLE);
    for (let i = 1; i <= 20; i++)
      await ledger.allocate(campaignId, 'GD', i * 100, allocation('GD', campaignId));
    const partition = async (pk: string) =>
      (
        await local.doc.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect((await partition(`QUOTA#${campaignId}`)).map((i) => i.sk)).toEqual(['GD']);
    // Nothing of the quota in the campaign's partition: a grant on CAMPAIGN#* does not reach it.
    expect(await partition(`CAMPAIGN#${campaignId}`)).toEqual([]);
    expect(await partition(`QUOTA_AUDIT#${campaignId}#GD`)).toHaveLength(20);
  });
});

describe('a quota’s allocation trail', () => {
  it('is read page by page, oldest first, and verifies against the head on the quota row', async () => {
    const campaignId = await campaign('trail-pages');
    const ledger = new DynamoQuotaLedger(local.doc, TABLE, () => new Date(), 2);
    const amounts = [5_000_000, 7_000_000, 6_000_000, 9_000_000, 8_000_000, 10_000_000, 4_000_000];
    for (const a of amounts) await ledger.allocate(campaignId, 'SC', a, allocation('SC', campaignId));
    const quota = await ledger.get(campaignId, 'SC');
    const entries = await ledger.listAudit(campaignId, 'SC');
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries.map((e) => e.detail.toAllocatedFen)).toEqual(amounts);
    expect(entries.map((e) => e.detail.fromAllocatedFen)).toEqual([0, ...amounts.slice(0, -1)]);
    for (const e of entries) {
      expect(e.actor).toEqual({ sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin'] });
      expect(e.action).toBe('quota.allocated');
      expect(e).toMatchObject({ fromStatus: null, toStatus: null });
      expect(e.detail).toMatchObject({ campaignId, highCourtCode: 'SC' });
    }
    expect(
      verifyChain(entries, { head: { seq: quota?.auditSeq ?? 0, hash: quota?.auditHead ?? '' } }),
    ).toEqual({
      valid: true,
      length: 7,
    });
  });

  it('is broken, not quietly shorter, when an entry is edited in the table', async () => {
    const campaignId = await campaign('trail-tamper');
    const ledger = new DynamoQuotaLedger(local.doc, TABLE);
    for (const a of [1_000, 2_000, 3_000])
      await ledger.allocate(campaignId, 'HI', a, allocation('HI', campaignId));
    await local.doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `QUOTA_AUDIT#${campaignId}#HI`, sk: 'AUDIT#0000000002' },
        UpdateExpression: 'SET detail.toAllocatedFen = :x',
        ExpressionAttributeValues: { ':x': 999_999_999 },
      }),
    );
    const quota = await ledger.get(campaignId, 'HI');
    const entries = await ledger.listAudit(campaignId, 'HI');
    expect(
      verifyChain(entries, { head: { seq: quota?.auditSeq ?? 0, hash: quota?.auditHead ?? '' } }),
    ).toEqual({
      valid: false,
      brokenAtSeq: 2,
      reason: 'HASH_MISMATCH',
    });
  });
});
