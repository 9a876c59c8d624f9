import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { quotaKey } from '../../../functions/adapters/dynamodb/quota-keys.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { GENESIS_HASH, verifyChain } from '../../../functions/domain/audit-chain.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import { RESERVATION_STALE_MS, reservationKey } from '../../../functions/domain/quota.ts';
import {
  type ApplicationRecord,
  type AuditInput,
  QuotaExceededError,
} from '../../../functions/ports/applications.ts';
import { sweepStaleReservations } from '../../../functions/usecases/quota-reservations.ts';
import { applicationRecord } from '../../support/application-record.ts';
import { useLocalTable } from '../../support/local-table.ts';

/**
 * Issue 13 item 2 against DynamoDB Local: a final approval reserves by one conditional UpdateItem on
 * the quota row (entry `rsv#<app>#v<version>`) and its TransactWriteItems no longer carries the row;
 * QUOTA_EXCEEDED comes from the reservation's condition; a refused transaction releases; a crash
 * between the two leaves the entry, which a retry of the same read reuses and the sweep settles;
 * exactly K of N concurrent approvals get the quota.
 */
const TABLE = 'relief';
const AMOUNT = 1_000;
const local = useLocalTable({ table: TABLE });
let doc: DynamoDBDocumentClient;
let campaigns: DynamoCampaignStore;

/** What the repository sent, and a hook that runs before each TransactWriteItems (a crash, a rival write). */
const sent: { name: string; input: Record<string, unknown> }[] = [];
let beforeTransaction: (() => Promise<void>) | undefined;
let recording: DynamoDBDocumentClient;

beforeAll(() => {
  doc = local.doc;
  campaigns = new DynamoCampaignStore(doc, TABLE);
  recording = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command instanceof TransactWriteCommand && beforeTransaction) {
        const hook = beforeTransaction;
        beforeTransaction = undefined;
        await hook();
      }
      return doc.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
});

let serial = 0;
const run = `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)}`;
const newId = () => `R${run}${String(++serial).padStart(6, '0')}`.padEnd(26, '0').slice(0, 26);
const uniq = () => `${run}-${++serial}`;
const actor = { sub: 'approver-jx', court: 'JX', roles: ['approver'] };
const audit = (action: string): AuditInput => ({
  actor,
  action,
  fromStatus: null,
  toStatus: null,
  detail: {},
});

function record(campaignId: string): ApplicationRecord {
  return applicationRecord(
    {
      id: newId(),
      campaignId,
      status: 'pending_approval',
      route: ['JX'],
      pendingAt: 'JX',
      reliefAmountFen: AMOUNT,
    },
    { caseNumber: `(2024)赣执${uniq()}号` },
  );
}

async function newCampaign(fits: number) {
  const id = `C${uniq()}`.replace(/[^0-9A-Za-z]/g, '');
  await campaigns.seedQuota(id, 'JX', fits * AMOUNT, new Date().toISOString());
  return campaigns.create(
    { ...demoCampaign(new Date()), id },
    audit('campaign.created'),
    new Date().toISOString(),
  );
}

/** A final approval's write as the decision (domain/lifecycle.ts decide) makes it: reserve keyed by the read. */
function approve(repo: DynamoApplicationRepository, id: string) {
  return repo.update(
    id,
    (current) => {
      const key = reservationKey(current);
      return {
        next: {
          ...current,
          status: 'awaiting_payout',
          pendingAt: null,
          version: current.version + 1,
          quotaReservation: {
            campaignId: current.campaignId,
            highCourtCode: 'JX',
            amountFen: AMOUNT,
            state: 'reserved',
            key,
          },
        },
        audit: { ...audit('decision.approve'), fromStatus: current.status, toStatus: 'awaiting_payout' },
      };
    },
    (current) => ({
      quota: {
        campaignId: current.campaignId,
        highCourtCode: 'JX',
        amountFen: AMOUNT,
        op: 'reserve',
        key: reservationKey(current),
      },
    }),
  );
}

async function rawRow(campaignId: string) {
  const out = await doc.send(
    new GetCommand({ TableName: TABLE, Key: quotaKey(campaignId, 'JX'), ConsistentRead: true }),
  );
  return out.Item as Record<string, unknown>;
}

describe('quota reservation by one conditional UpdateItem (DynamoDB Local)', () => {
  const repo = () => new DynamoApplicationRepository(recording, TABLE);
  const quotas = (now = () => new Date()) => new DynamoQuotaLedger(doc, TABLE, now);

  it('reserves by an entry on the quota row; the decision’s transaction does not carry the row', async () => {
    const campaign = await newCampaign(3);
    const app = await repo().create(record(campaign.id), audit('application.created'));
    sent.length = 0;
    const stored = await approve(repo(), app.id);
    const key = `${app.id}#v${app.version}`;
    expect(stored.quotaReservation?.key).toBe(key);
    const row = await rawRow(campaign.id);
    expect(row).toMatchObject({
      reservedFen: AMOUNT,
      availableFen: 2 * AMOUNT,
      [`rsv#${key}`]: { applicationId: app.id, version: app.version, amountFen: AMOUNT },
    });
    expect((await quotas().get(campaign.id, 'JX'))?.reservations).toEqual({
      [key]: expect.objectContaining({ amountFen: AMOUNT }),
    });
    const updates = sent.filter((c) => c.name === 'UpdateCommand');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.input.ConditionExpression).toBe('attribute_not_exists(#e) AND availableFen >= :a');
    const transactions = sent.filter((c) => c.name === 'TransactWriteCommand');
    expect(transactions).toHaveLength(1);
    const keys = (
      (transactions[0]?.input.TransactItems ?? []) as {
        [k: string]: { Key?: { pk: string }; Item?: { pk: string } };
      }[]
    ).map((t) => Object.values(t)[0]?.Key?.pk ?? Object.values(t)[0]?.Item?.pk);
    expect(keys.some((pk) => String(pk).startsWith('QUOTA#'))).toBe(false);
  });

  it('refuses with QuotaExceededError from the reservation’s condition; nothing is written', async () => {
    const campaign = await newCampaign(0);
    const app = await repo().create(record(campaign.id), audit('application.created'));
    await expect(approve(repo(), app.id)).rejects.toBeInstanceOf(QuotaExceededError);
    expect((await repo().get(app.id))?.status).toBe('pending_approval');
    const row = await rawRow(campaign.id);
    expect(Object.keys(row).filter((k) => k.startsWith('rsv#'))).toEqual([]);
    expect(row).toMatchObject({ reservedFen: 0, availableFen: 0 });
  });

  it('releases the reservation when the transaction is refused because the application moved on, and reserves anew on the new version', async () => {
    const campaign = await newCampaign(1);
    const app = await repo().create(record(campaign.id), audit('application.created'));
    beforeTransaction = async () => {
      await new DynamoApplicationRepository(doc, TABLE).update(app.id, (current) => ({
        next: { ...current, escalations: 1 },
        audit: audit('workflow.escalated'),
      }));
    };
    const stored = await approve(repo(), app.id);
    // Only one amount fits: the first version's reservation went back before the second was taken.
    expect(stored.quotaReservation?.key).toBe(`${app.id}#v${app.version}`);
    const row = await rawRow(campaign.id);
    expect(row).toMatchObject({ reservedFen: AMOUNT, availableFen: 0 });
    expect(Object.keys(row).filter((k) => k.startsWith('rsv#'))).toEqual([`rsv#${app.id}#v${app.version}`]);
  });

  it('a crash between reservation and transaction leaves the entry; a retry of the same read reserves once; the sweep drops it once recorded', async () => {
    const campaign = await newCampaign(2);
    const app = await repo().create(record(campaign.id), audit('application.created'));
    beforeTransaction = async () => {
      throw new Error('Lambda killed');
    };
    await expect(approve(repo(), app.id)).rejects.toThrow('Lambda killed');
    expect(await rawRow(campaign.id)).toMatchObject({ reservedFen: AMOUNT, availableFen: AMOUNT });
    await approve(repo(), app.id);
    expect(await rawRow(campaign.id)).toMatchObject({ reservedFen: AMOUNT, availableFen: AMOUNT });
    const later = () => new Date(Date.now() + RESERVATION_STALE_MS + 1_000);
    const deps = { repo: repo(), quotas: quotas(), campaigns: { list: async () => [campaign] }, now: later };
    expect(await sweepStaleReservations(deps)).toEqual({ dropped: 1 });
    const row = await rawRow(campaign.id);
    expect(Object.keys(row).filter((k) => k.startsWith('rsv#'))).toEqual([]);
    expect(row).toMatchObject({ reservedFen: AMOUNT, availableFen: AMOUNT });
  });

  it('the sweep fences an application left at the entry’s version and releases it on the quota’s chain', async () => {
    const campaign = await newCampaign(1);
    const app = await repo().create(record(campaign.id), audit('application.created'));
    beforeTransaction = async () => {
      throw new Error('Lambda killed');
    };
    await expect(approve(repo(), app.id)).rejects.toThrow('Lambda killed');
    const later = () => new Date(Date.now() + RESERVATION_STALE_MS + 1_000);
    const deps = {
      repo: repo(),
      quotas: quotas(later),
      campaigns: { list: async () => [campaign] },
      now: later,
    };
    expect(await sweepStaleReservations({ ...deps, now: () => new Date() })).toEqual({});
    expect(await sweepStaleReservations(deps)).toEqual({ fenced: 1, released: 1 });
    const fenced = await repo().get(app.id);
    expect(fenced).toMatchObject({ version: app.version + 1, status: 'pending_approval' });
    const quota = await quotas().get(campaign.id, 'JX');
    expect(quota).toMatchObject({ reservedFen: 0, availableFen: AMOUNT });
    expect(quota?.reservations).toBeUndefined();
    const entries = await quotas().listAudit(campaign.id, 'JX');
    expect(entries.at(-1)).toMatchObject({
      action: 'quota.reservation.released',
      detail: { reservationKey: `${app.id}#v${app.version}`, fenced: true },
    });
    expect(
      verifyChain(entries, { head: { seq: quota?.auditSeq ?? 0, hash: quota?.auditHead ?? GENESIS_HASH } }),
    ).toMatchObject({ valid: true });
    // The approval on the fenced version cannot commit any more; on the new one it reserves anew.
    await approve(repo(), app.id);
    expect(await rawRow(campaign.id)).toMatchObject({ reservedFen: AMOUNT, availableFen: 0 });
  });

  it('gives exactly K of N concurrent final approvals the quota', async () => {
    const K = 5;
    const N = 12;
    const campaign = await newCampaign(K);
    const apps = [];
    for (let i = 0; i < N; i++)
      apps.push(await repo().create(record(campaign.id), audit('application.created')));
    const results = await Promise.allSettled(
      apps.map((a) => approve(new DynamoApplicationRepository(doc, TABLE), a.id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(K);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
    const row = await rawRow(campaign.id);
    expect(row).toMatchObject({ reservedFen: K * AMOUNT, availableFen: 0 });
    expect(Object.keys(row).filter((k) => k.startsWith('rsv#'))).toHaveLength(K);
  });
});
