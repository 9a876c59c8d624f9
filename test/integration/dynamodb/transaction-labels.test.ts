import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { type Labelled, writeLabelled } from '../../../functions/adapters/dynamodb/transaction.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import { RESERVATION_STALE_MS } from '../../../functions/domain/quota.ts';
import {
  type ApplicationRecord,
  type AuditInput,
  DuplicateApplicationError,
  DuplicateEventError,
  IdempotencyReplay,
  type IdempotentWrite,
  type Mutation,
  type OutboxItem,
  QuotaExceededError,
} from '../../../functions/ports/applications.ts';
import type { StoredCampaign } from '../../../functions/ports/campaigns.ts';
import type { StoredQuota } from '../../../functions/ports/quotas.ts';
import { sweepStaleReservations } from '../../../functions/usecases/quota-reservations.ts';
import { applicationRecord } from '../../support/application-record.ts';
import { useLocalTable } from '../../support/local-table.ts';

/**
 * Transaction cancellations are read by the label of the item that failed, never by its position
 * (functions/adapters/dynamodb/transaction.ts). Each mapped label is cancelled here in a transaction that
 * also carries the other optional items (idempotency record, quota, outbox, insurer event), so a
 * position-based reading would name the wrong item.
 */
const TABLE = 'relief';
const local = useLocalTable({ table: TABLE });
let repo: DynamoApplicationRepository;
let campaigns: DynamoCampaignStore;
let quotas: DynamoQuotaLedger;

beforeAll(async () => {
  repo = new DynamoApplicationRepository(local.doc, TABLE);
  campaigns = new DynamoCampaignStore(local.doc, TABLE);
  quotas = new DynamoQuotaLedger(local.doc, TABLE);
});

let serial = 0;
const run = `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)}`;
const newId = () => `T${run}${String(++serial).padStart(6, '0')}`.padEnd(26, '0').slice(0, 26);
const uniq = () => `${run}-${++serial}`;

const actor = { sub: 'clerk-1', court: 'JX0102', roles: ['clerk' as const] };
const audit = (action: string): AuditInput => ({
  actor,
  action,
  fromStatus: null,
  toStatus: 'draft',
  detail: {},
});

function record(over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return applicationRecord({ id: newId(), campaignId: 'labels', createdBy: actor.sub, ...over });
}

const mutation =
  (change: (current: ApplicationRecord) => Partial<ApplicationRecord>): Mutation =>
  (current) => ({
    next: { ...current, ...change(current), version: current.version + 1 },
    audit: { ...audit('test.changed'), fromStatus: current.status, toStatus: current.status },
  });
const escalate = mutation((c) => ({ escalations: (c.escalations ?? 0) + 1 }));

const write = (key = `k-${uniq()}`): IdempotentWrite<ApplicationRecord> => ({
  scope: `["JX0102","clerk-1","labels","${uniq()}"]`,
  key,
  requestHash: 'h'.repeat(64),
  respond: (stored) => ({ status: 200, body: { id: stored.id, version: stored.version }, headers: {} }),
});

const outbox = (app: ApplicationRecord): OutboxItem[] => [
  { kind: 'start-execution', applicationId: app.id, submissionSeq: 1, createdAt: new Date().toISOString() },
];

async function withQuota(availableFen: number) {
  const campaignId = `c-${uniq()}`;
  await campaigns.seedQuota(campaignId, 'JX', availableFen, new Date().toISOString());
  return campaignId;
}

/**
 * A final approval reserves before its transaction. Refused while the application is still at the version
 * the reservation was taken on, the entry stays (a decision on that same read could still commit it): the
 * amount counts as reserved, never spent, until the repair sweep fences the application and releases it.
 */
async function expectReservationLeftThenSwept(campaignId: string, app: ApplicationRecord) {
  const key = `${app.id}#v${app.version}`;
  expect(await quotas.get(campaignId, 'JX')).toMatchObject({
    reservedFen: 1_000,
    availableFen: 4_000,
    reservations: { [key]: expect.objectContaining({ amountFen: 1_000, version: app.version }) },
  });
  const later = () => new Date(Date.now() + RESERVATION_STALE_MS + 1_000);
  const campaignsOf = { list: async () => [{ id: campaignId } as never] };
  expect(await sweepStaleReservations({ repo, quotas, campaigns: campaignsOf, now: later })).toEqual({
    fenced: 1,
    released: 1,
  });
  expect(await quotas.get(campaignId, 'JX')).toMatchObject({ reservedFen: 0, availableFen: 5_000 });
}

async function expectUnchanged(id: string, before: ApplicationRecord | undefined) {
  expect(await repo.get(id)).toEqual(before);
  expect((await repo.listAudit(id)).length).toBe(before?.auditSeq ?? 0);
}

describe('writeLabelled against DynamoDB Local', () => {
  const put = (pk: string, condition = false) => ({
    Put: {
      TableName: TABLE,
      Item: { pk, sk: 'LABEL', entity: 'label-test', owner: pk },
      ...(condition
        ? {
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          }
        : {}),
    },
  });

  it.each([0, 1, 2])('names the failed item by its label wherever it stands (position %i)', async (at) => {
    const taken = `LABEL#${uniq()}`;
    expect(await writeLabelled(local.doc, [['taken', put(taken)]])).toBeUndefined();
    const labelled: Labelled[] = [
      ['first', put(`LABEL#${uniq()}`)],
      ['second', put(`LABEL#${uniq()}`)],
    ];
    labelled.splice(at, 0, ['the-lock', put(taken, true)]);
    const cancelled = await writeLabelled(local.doc, labelled);
    expect([...(cancelled?.failed ?? [])]).toEqual(['the-lock']);
    expect(cancelled?.codes[at]).toBe('ConditionalCheckFailed');
    // The old item DynamoDB returned, by label (the attribute arrives marshalled: the document client
    // does not unmarshall cancellation reasons).
    expect(cancelled?.itemOf('the-lock')).toMatchObject({ owner: { S: taken } });
    expect(cancelled?.itemOf('first')).toBeUndefined();
  });
});

describe('DynamoApplicationRepository maps each cancelled label to its domain error', () => {
  it('duplicate-lock on create (with an idempotency record in the same transaction): DuplicateApplicationError naming the holder', async () => {
    const first = await repo.create(record(), audit('application.created'));
    const second = record({ duplicateKey: first.duplicateKey });
    const key = write();
    const error = await repo.create(second, audit('application.created'), key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateApplicationError);
    expect((error as DuplicateApplicationError).existingApplicationId).toBe(first.id);
    expect(await repo.get(second.id)).toBeUndefined();
    expect(await repo.getIdempotency(key.scope, key.key)).toBeUndefined();
  });

  it('idempotency on create (the duplicate lock also taken): IdempotencyReplay carrying the first response', async () => {
    const key = write();
    const first = await repo.create(record(), audit('application.created'), key);
    const error = await repo
      .create(record({ duplicateKey: first.duplicateKey }), audit('application.created'), key)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response).toEqual({
      status: 200,
      body: { id: first.id, version: 1 },
      headers: {},
    });
  });

  it('duplicate-lock on update (with quota, outbox and idempotency items): DuplicateApplicationError naming the holder', async () => {
    const campaignId = await withQuota(5_000);
    const holder = await repo.create(record(), audit('application.created'));
    const app = await repo.create(record({ campaignId }), audit('application.created'));
    const key = write();
    const error = await repo
      .update(
        app.id,
        mutation(() => ({ duplicateKey: holder.duplicateKey })),
        {
          quota: { campaignId, highCourtCode: 'JX', amountFen: 1_000, op: 'reserve' },
          outbox: outbox(app),
          idempotency: key,
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateApplicationError);
    expect((error as DuplicateApplicationError).existingApplicationId).toBe(holder.id);
    await expectUnchanged(app.id, app);
    expect(await repo.getIdempotency(key.scope, key.key)).toBeUndefined();
    await expectReservationLeftThenSwept(campaignId, app);
  });

  it('quota (with insurer event, outbox and idempotency items): QuotaExceededError, nothing written', async () => {
    const campaignId = await withQuota(500);
    const app = await repo.create(record({ campaignId }), audit('application.created'));
    const key = write();
    const event = { id: `evt-${uniq()}`, type: 'payout.succeeded', packageId: 'PKG-x' };
    await expect(
      repo.update(app.id, escalate, {
        quota: { campaignId, highCourtCode: 'JX', amountFen: 1_000, op: 'reserve' },
        insurerEvent: event,
        outbox: outbox(app),
        idempotency: key,
      }),
    ).rejects.toBeInstanceOf(QuotaExceededError);
    await expectUnchanged(app.id, app);
    expect(await repo.hasInsurerEvent(event.id)).toBe(false);
    expect(await repo.getIdempotency(key.scope, key.key)).toBeUndefined();
  });

  it('insurer-event (with quota, outbox and idempotency items): DuplicateEventError, the quota only reserved until the sweep', async () => {
    const campaignId = await withQuota(5_000);
    const app = await repo.create(record({ campaignId }), audit('application.created'));
    const event = { id: `evt-${uniq()}`, type: 'payout.succeeded', packageId: 'PKG-x' };
    const stored = await repo.update(app.id, escalate, { insurerEvent: event });
    await expect(
      repo.update(app.id, escalate, {
        quota: { campaignId, highCourtCode: 'JX', amountFen: 1_000, op: 'reserve' },
        insurerEvent: event,
        outbox: outbox(app),
        idempotency: write(),
      }),
    ).rejects.toBeInstanceOf(DuplicateEventError);
    await expectUnchanged(app.id, stored);
    await expectReservationLeftThenSwept(campaignId, stored);
  });

  it('idempotency on update (with quota, insurer event and outbox items): IdempotencyReplay carrying the first response', async () => {
    const campaignId = await withQuota(5_000);
    const app = await repo.create(record({ campaignId }), audit('application.created'));
    const key = write();
    const stored = await repo.update(app.id, escalate, { idempotency: key });
    const error = await repo
      .update(app.id, escalate, {
        quota: { campaignId, highCourtCode: 'JX', amountFen: 1_000, op: 'reserve' },
        insurerEvent: { id: `evt-${uniq()}`, type: 'payout.succeeded', packageId: 'PKG-x' },
        outbox: outbox(app),
        idempotency: key,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response.body).toEqual({ id: app.id, version: 2 });
    await expectUnchanged(app.id, stored);
    await expectReservationLeftThenSwept(campaignId, stored);
  });
});

describe('DynamoQuotaLedger maps its cancelled label to its domain error', () => {
  it('idempotency on allocate (the seal mark after it): IdempotencyReplay carrying the first response, allocation unchanged', async () => {
    const campaignId = await withQuota(5_000);
    const key: IdempotentWrite<StoredQuota> = {
      scope: `["SPC","spc-admin-1","putQuota","${uniq()}"]`,
      key: `k-${uniq()}`,
      requestHash: 'h'.repeat(64),
      respond: (q) => ({ status: 200, body: { allocatedFen: q.allocatedFen }, headers: {} }),
    };
    const admin = {
      ...audit('quota.allocated'),
      actor: { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin' as const] },
    };
    await quotas.allocate(campaignId, 'JX', 8_000, admin, key);
    const error = await quotas.allocate(campaignId, 'JX', 9_000, admin, key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response.body).toEqual({ allocatedFen: 8_000 });
    expect(await quotas.get(campaignId, 'JX')).toMatchObject({ allocatedFen: 8_000, availableFen: 8_000 });
  });
});

describe('DynamoCampaignStore maps its cancelled label to its domain error', () => {
  it('idempotency on update (after the approvals check, the seal mark after it): IdempotencyReplay, campaign unchanged', async () => {
    const id = `C${uniq()}`.replace(/[^0-9A-Za-z]/g, '');
    const at = new Date().toISOString();
    const admin = {
      ...audit('campaign.created'),
      actor: { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin' as const] },
    };
    const created = await campaigns.create({ ...demoCampaign(new Date()), id }, admin, at);
    const key: IdempotentWrite<StoredCampaign> = {
      scope: `["SPC","spc-admin-1","patchCampaign","${uniq()}"]`,
      key: `k-${uniq()}`,
      requestHash: 'h'.repeat(64),
      respond: (c) => ({ status: 200, body: { version: c.version }, headers: {} }),
    };
    const first = await campaigns.update(created, { ...created, name: '第一次' }, admin, at, {}, key);
    // The same key again, built on the record from before the first: the campaign's condition fails
    // too, but the idempotency record's label says this is a replay.
    const error = await campaigns
      .update(created, { ...created, name: '第二次' }, admin, at, {}, key)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response.body).toEqual({ version: first.version });
    expect((await campaigns.get(id, { consistent: true }))?.name).toBe('第一次');
  });
});
