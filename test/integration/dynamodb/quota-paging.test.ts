import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamo-campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamo-quotas.ts';
import { DynamoReportStore } from '../../../functions/adapters/dynamo-reports.ts';
import { GENESIS_HASH, sealEntry, verifyChain } from '../../../functions/domain/audit-chain.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import { QUOTA_HOLDER_CODES } from '../../../functions/domain/courts.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import type { AuditInput } from '../../../functions/ports/applications.ts';
import { campaignReport } from '../../../functions/usecases/reports.ts';
import {
  createLocalDynamoClients,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '../../../infra/local/dynamodb.ts';
import { seedCourts } from '../../support/courts.ts';

/**
 * Quota lists at volume (Integrity defect 6): after thousands of quota PUTs the quota partition held
 * more than one 1 MB query page and `GET /campaigns/{id}/quotas` silently dropped the high courts
 * sorted after the first page (23 of 32 listed, 0 allocated in the report for 9). Thousands of PUTs
 * through HTTP are slow, so the audit items of that earlier layout are written straight into DynamoDB
 * Local here; new allocations write their trail into its own partition, read page by page.
 */

const TABLE = 'relief';
const SPC: Principal = { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin'] };
let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
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
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = (out.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
    }
  }
}

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  ({ client, doc } = createLocalDynamoClients(dynamo.endpoint));
  await ensureTable(client, TABLE);
  campaigns = new DynamoCampaignStore(doc, TABLE);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

describe('quota list past one DynamoDB page', () => {
  it('lists all 32 quota holders, and the report their allocations, with over 1 MB of trail in the quotas’ partition', async () => {
    const campaignId = await campaign('paging-legacy');
    const ledger = new DynamoQuotaLedger(doc, TABLE);
    for (const code of QUOTA_HOLDER_CODES)
      await ledger.allocate(campaignId, code, amountFor(code), allocation(code, campaignId));
    // The earlier layout: entries of the first high courts sorted between the quota rows (QUOTA#<code>#AUDIT#…),
    // 1,600 entries of ~1 KB, as thousands of reallocations of those courts left them.
    const crowded = QUOTA_HOLDER_CODES.slice(0, 4);
    const legacy = crowded.flatMap((code) =>
      Array.from({ length: 400 }, (_, i) => ({
        pk: `CAMPAIGN#${campaignId}`,
        sk: `QUOTA#${code}#AUDIT#${String(i + 1).padStart(10, '0')}`,
        entity: 'audit',
        ...sealEntry(
          {
            seq: i + 1,
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
    await batchPut(legacy);

    // Precondition: one Query of the partition stops short (what the list did before), missing quota rows.
    const onePage = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':q': 'QUOTA#' },
        ConsistentRead: true,
      }),
    );
    expect(onePage.LastEvaluatedKey).toBeDefined();
    const rowsOnFirstPage = (onePage.Items ?? []).filter((i) => !String(i.sk).includes('#AUDIT#'));
    expect(rowsOnFirstPage.length).toBeLessThan(QUOTA_HOLDER_CODES.length);

    const listed = await ledger.list(campaignId);
    expect(listed.map((q) => q.highCourtCode).sort()).toEqual([...QUOTA_HOLDER_CODES].sort());
    for (const q of listed) expect(q.allocatedFen, q.highCourtCode).toBe(amountFor(q.highCourtCode));

    const report = await campaignReport(
      {
        reports: new DynamoReportStore(doc, TABLE),
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
    const writer = new DynamoQuotaLedger(doc, TABLE);
    for (const code of QUOTA_HOLDER_CODES)
      await writer.allocate(campaignId, code, amountFor(code), allocation(code, campaignId));
    const reader = new DynamoQuotaLedger(doc, TABLE, () => new Date(), 3);
    const listed = await reader.list(campaignId);
    expect(listed).toHaveLength(QUOTA_HOLDER_CODES.length);
    for (const q of listed) expect(q.allocatedFen, q.highCourtCode).toBe(amountFor(q.highCourtCode));
  });

  it('keeps new allocation entries out of the quotas’ partition: it holds one row per high court', async () => {
    const campaignId = await campaign('paging-layout');
    const ledger = new DynamoQuotaLedger(doc, TABLE);
    for (let i = 1; i <= 20; i++)
      await ledger.allocate(campaignId, 'GD', i * 100, allocation('GD', campaignId));
    const partition = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}` },
        ConsistentRead: true,
      }),
    );
    expect((partition.Items ?? []).map((i) => i.sk)).toEqual(['QUOTA#GD']);
    const trail = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `QUOTA_AUDIT#${campaignId}#GD` },
        ConsistentRead: true,
      }),
    );
    expect(trail.Items).toHaveLength(20);
  });
});

describe('a quota’s allocation trail', () => {
  it('is read page by page, oldest first, and verifies against the head on the quota row', async () => {
    const campaignId = await campaign('trail-pages');
    const ledger = new DynamoQuotaLedger(doc, TABLE, () => new Date(), 2);
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

  it('continues a chain begun in the earlier layout: old and new entries read as one verifiable trail', async () => {
    const campaignId = await campaign('trail-upgrade');
    const ledger = new DynamoQuotaLedger(doc, TABLE);
    await ledger.allocate(campaignId, 'YN', 1_000, allocation('YN', campaignId));
    // Move the first entry where the earlier layout kept it, as a table written before the change has it.
    const [first] = await ledger.listAudit(campaignId, 'YN');
    if (!first) throw new Error('no first entry');
    await batchPut([
      { pk: `CAMPAIGN#${campaignId}`, sk: `QUOTA#YN#AUDIT#0000000001`, entity: 'audit', ...first },
    ]);
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { DeleteRequest: { Key: { pk: `QUOTA_AUDIT#${campaignId}#YN`, sk: 'AUDIT#0000000001' } } },
          ],
        },
      }),
    );
    await ledger.allocate(campaignId, 'YN', 2_000, allocation('YN', campaignId));
    const quota = await ledger.get(campaignId, 'YN');
    const entries = await ledger.listAudit(campaignId, 'YN');
    expect(entries.map((e) => [e.seq, e.detail.toAllocatedFen])).toEqual([
      [1, 1_000],
      [2, 2_000],
    ]);
    expect(
      verifyChain(entries, { head: { seq: quota?.auditSeq ?? 0, hash: quota?.auditHead ?? '' } }).valid,
    ).toBe(true);
  });

  it('is broken, not quietly shorter, when an entry is edited in the table', async () => {
    const campaignId = await campaign('trail-tamper');
    const ledger = new DynamoQuotaLedger(doc, TABLE);
    for (const a of [1_000, 2_000, 3_000])
      await ledger.allocate(campaignId, 'HI', a, allocation('HI', campaignId));
    await doc.send(
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
