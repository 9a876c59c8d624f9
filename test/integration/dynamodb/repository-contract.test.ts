import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { DynamoReportStore } from '../../../functions/adapters/dynamodb/reports.ts';
import { createMemoryAdapters } from '../../../functions/adapters/memory/index.ts';
import { GENESIS_HASH, verifyChain } from '../../../functions/domain/audit-chain.ts';
import { withCorrelationId } from '../../../functions/lib/correlation.ts';
import { StaleReadError } from '../../../functions/lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationRepository,
  type AuditInput,
  type DocumentRecord,
  DuplicateApplicationError,
  DuplicateEventError,
  type GrantBasis,
  GrantBasisMismatch,
  type GrantedUpload,
  IdempotencyReplay,
  type IdempotentWrite,
  LIST_MAX_READS,
  type Mutation,
  type OutboxItem,
  QuotaExceededError,
  VersionConflictError,
} from '../../../functions/ports/applications.ts';
import { QuotaBelowCommittedError, type QuotaLedger } from '../../../functions/ports/quotas.ts';
import {
  NarrativeVersionConflict,
  ReportAlreadyFrozenError,
  type ReportStore,
  type StoredNarrative,
} from '../../../functions/ports/reports.ts';
import { applicationRecord } from '../../support/application-record.ts';
import { useLocalTable } from '../../support/local-table.ts';
import { addDocument } from '../../support/store.ts';

/**
 * One scenario suite, two implementations: the in-memory adapters (functions/adapters/memory) that the
 * use-case tier trusts, and the DynamoDB adapters against DynamoDB Local. Each scenario runs against
 * both, so the fake cannot drift from what the real table guarantees (conditions, transactions,
 * errors) without a failure here.
 */

const TABLE = 'relief';
const local = useLocalTable({ table: TABLE });

interface Subject {
  repo: ApplicationRepository;
  quotas: QuotaLedger;
  reports: ReportStore;
  seedQuota(campaignId: string, highCourtCode: string, allocatedFen: number): Promise<boolean>;
}

const implementations: [name: string, make: () => Subject][] = [
  [
    'memory',
    () => {
      const m = createMemoryAdapters({ now: () => new Date() });
      return {
        repo: m.repo,
        quotas: m.quotas,
        reports: m.reports,
        seedQuota: (c, h, a) => m.campaigns.seedQuota(c, h, a, new Date().toISOString()),
      };
    },
  ],
  [
    'dynamodb',
    () => {
      const campaigns = new DynamoCampaignStore(local.doc, TABLE);
      return {
        repo: new DynamoApplicationRepository(local.doc, TABLE),
        quotas: new DynamoQuotaLedger(local.doc, TABLE),
        reports: new DynamoReportStore(local.doc, TABLE),
        seedQuota: (c, h, a) => campaigns.seedQuota(c, h, a, new Date().toISOString()),
      };
    },
  ],
];

let serial = 0;
const run = `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)}`;
/** 26 characters of [0-9A-Z], unique across runs (the DynamoDB table is shared by the scenarios). */
const newId = () => `C${run}${String(++serial).padStart(6, '0')}`.padEnd(26, '0').slice(0, 26);
const uniq = () => `${run}-${++serial}`;

const actor = { sub: 'clerk-1', court: 'JX0102', roles: ['clerk' as const] };
const audit = (action: string, over: Partial<AuditInput> = {}): AuditInput => ({
  actor,
  action,
  fromStatus: null,
  toStatus: 'draft',
  detail: {},
  ...over,
});

function record(over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return applicationRecord({ id: newId(), createdBy: actor.sub, ...over });
}

/** A pending identity scan of 1 byte granted before any submission. */
const pendingIdentity = (applicationId: string, documentId: string): DocumentRecord => ({
  applicationId,
  documentId,
  type: 'identity',
  contentType: 'application/pdf',
  sizeBytes: 1,
  sha256: 'a'.repeat(64),
  status: 'pending',
  s3Key: `applications/${applicationId}/documents/${documentId}`,
  createdAt: new Date().toISOString(),
  createdBy: 'clerk-1',
  uploadedAt: null,
  rejectedReason: null,
  submissionSeqAtGrant: 0,
});

/** A mutation that changes `change` and audits it. */
const mutation =
  (change: (current: ApplicationRecord) => Partial<ApplicationRecord>, action = 'test.changed'): Mutation =>
  (current) => ({
    next: { ...current, ...change(current), version: current.version + 1 },
    audit: audit(action, { fromStatus: current.status, toStatus: current.status }),
  });

const escalate = mutation((c) => ({ escalations: (c.escalations ?? 0) + 1 }));

const write = (key: string): IdempotentWrite<ApplicationRecord> => ({
  scope: `["JX0102","clerk-1","contract","${uniq()}"]`,
  key,
  requestHash: 'h'.repeat(64),
  respond: (stored) => ({ status: 200, body: { id: stored.id, version: stored.version }, headers: {} }),
});

async function expectUnchanged(s: Subject, id: string, before: ApplicationRecord | undefined) {
  expect(await s.repo.get(id)).toEqual(before);
  expect((await s.repo.readTrail(id)).application.length).toBe(before?.auditSeq ?? 0);
}

describe.each(implementations)('ApplicationRepository contract: %s', (_name, make) => {
  it('creates a record with its first audit entry on the hash chain', async () => {
    const s = make();
    const app = record();
    const stored = await s.repo.create(app, audit('application.created'));
    expect(stored).toMatchObject({ id: app.id, version: 1, auditSeq: 1 });
    expect(await s.repo.get(app.id)).toEqual(stored);
    const entries = await s.repo.listAudit(app.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, action: 'application.created' });
    expect(verifyChain(entries, { head: { seq: 1, hash: stored.auditHead } })).toEqual({
      valid: true,
      length: 1,
    });
    expect(await s.repo.get(newId())).toBeUndefined();
  });

  it('reads several applications at once, consistently: every id found, an unknown id absent, more than 100 ids', async () => {
    const s = make();
    const created: string[] = [];
    for (let i = 0; i < 103; i++) {
      const app = record();
      await s.repo.create(app, audit('application.created'));
      created.push(app.id);
    }
    const changed = await s.repo.update(created[0] as string, escalate);
    const found = await s.repo.getMany([...created, 'no-such-application', created[1] as string]);
    expect([...found.keys()].sort()).toEqual([...created].sort());
    expect(found.get(created[0] as string)?.version).toBe(changed.version);
    expect(found.get(created[2] as string)).toEqual(await s.repo.get(created[2] as string));
  });

  it('holds the duplicate lock: a second open application with the key fails naming the first, writing nothing', async () => {
    const s = make();
    const first = record();
    await s.repo.create(first, audit('application.created'));
    const second = record({ duplicateKey: first.duplicateKey });
    const error = await s.repo.create(second, audit('application.created')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateApplicationError);
    expect((error as DuplicateApplicationError).existingApplicationId).toBe(first.id);
    expect(await s.repo.get(second.id)).toBeUndefined();
    expect(await s.repo.listAudit(second.id)).toEqual([]);
  });

  it('moves the lock with the key and releases it on request', async () => {
    const s = make();
    const a = record();
    const b = record();
    await s.repo.create(a, audit('application.created'));
    await s.repo.create(b, audit('application.created'));
    const before = await s.repo.get(b.id);
    const error = await s.repo
      .update(
        b.id,
        mutation(() => ({ duplicateKey: a.duplicateKey })),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(DuplicateApplicationError);
    expect((error as DuplicateApplicationError).existingApplicationId).toBe(a.id);
    await expectUnchanged(s, b.id, before);
    const moved = `dup-${uniq()}`;
    await s.repo.update(
      b.id,
      mutation(() => ({ duplicateKey: moved })),
    );
    await s.repo.create(record({ duplicateKey: b.duplicateKey }), audit('application.created'));
    await s.repo.update(
      a.id,
      mutation(() => ({ status: 'withdrawn' })),
      { releaseDuplicateLock: true },
    );
    await s.repo.create(record({ duplicateKey: a.duplicateKey }), audit('application.created'));
    await expect(s.repo.create(record({ duplicateKey: moved }), audit('x'))).rejects.toBeInstanceOf(
      DuplicateApplicationError,
    );
  });

  it('updates only the version that was read: a stale expected version is a VersionConflictError, writing nothing', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    await s.repo.update(app.id, escalate, { expectedVersion: 1 });
    const before = await s.repo.get(app.id);
    await expect(s.repo.update(app.id, escalate, { expectedVersion: 1 })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    await expectUnchanged(s, app.id, before);
    await expect(s.repo.update(newId(), escalate)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('lets a refusing mutation write nothing', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const refusal = new Error('refused');
    await expect(
      s.repo.update(app.id, () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    await expectUnchanged(s, app.id, app);
  });

  it('retries concurrent updates on a fresh read: none is lost and the chain never forks', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    await Promise.all([1, 2, 3, 4, 5].map(() => s.repo.update(app.id, escalate)));
    const stored = await s.repo.get(app.id);
    expect(stored).toMatchObject({ escalations: 5, version: 6, auditSeq: 6 });
    const entries = await s.repo.listAudit(app.id);
    expect(verifyChain(entries, { head: { seq: 6, hash: stored?.auditHead as string } })).toEqual({
      valid: true,
      length: 6,
    });
  });

  it('never overspends a quota when reservations race, and a refused reservation writes nothing', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    await s.seedQuota(campaignId, 'JX', 3_000);
    const apps = await Promise.all(
      [1, 2, 3, 4, 5].map(() => s.repo.create(record({ campaignId }), audit('application.created'))),
    );
    const results = await Promise.allSettled(
      apps.map((a) =>
        s.repo.update(
          a.id,
          mutation(() => ({ status: 'awaiting_payout' })),
          {
            quota: { campaignId, highCourtCode: 'JX', amountFen: 1_000, op: 'reserve' },
          },
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => r.reason).every((e) => e instanceof QuotaExceededError)).toBe(true);
    expect(await s.quotas.get(campaignId, 'JX')).toMatchObject({ reservedFen: 3_000, availableFen: 0 });
    for (const [i, r] of results.entries()) {
      const stored = await s.repo.get(apps[i]?.id as string);
      expect(stored?.status).toBe(r.status === 'fulfilled' ? 'awaiting_payout' : 'draft');
    }
  });

  it('commits and releases reservations, and refuses to release what is not reserved or to reserve from no quota', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    await s.seedQuota(campaignId, 'JX', 5_000);
    const app = await s.repo.create(record({ campaignId }), audit('application.created'));
    const quota = (op: 'reserve' | 'release' | 'commit', amountFen: number, highCourtCode = 'JX') => ({
      quota: { campaignId, highCourtCode, amountFen, op },
    });
    await s.repo.update(app.id, escalate, quota('reserve', 2_000));
    await s.repo.update(app.id, escalate, quota('commit', 1_500));
    await s.repo.update(app.id, escalate, quota('release', 500));
    expect(await s.quotas.get(campaignId, 'JX')).toMatchObject({
      allocatedFen: 5_000,
      reservedFen: 0,
      disbursedFen: 1_500,
      availableFen: 3_500,
    });
    const before = await s.repo.get(app.id);
    await expect(s.repo.update(app.id, escalate, quota('release', 1))).rejects.toBeInstanceOf(
      QuotaExceededError,
    );
    await expect(s.repo.update(app.id, escalate, quota('reserve', 1, 'BJ'))).rejects.toBeInstanceOf(
      QuotaExceededError,
    );
    await expectUnchanged(s, app.id, before);
  });

  it('records an Idempotency-Key with the change; a second use is an IdempotencyReplay carrying the first response', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const key = write('k-1');
    const stored = await s.repo.update(app.id, escalate, { idempotency: key });
    const recorded = await s.repo.getIdempotency(key.scope, key.key);
    expect(recorded).toEqual({
      scope: key.scope,
      key: 'k-1',
      requestHash: key.requestHash,
      response: { status: 200, body: { id: app.id, version: 2 }, headers: {} },
    });
    const error = await s.repo.update(app.id, escalate, { idempotency: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record).toEqual(recorded);
    await expectUnchanged(s, app.id, stored);
    const created = record();
    const createKey = write('k-2');
    await s.repo.create(created, audit('application.created'), createKey);
    await expect(s.repo.create(record(), audit('application.created'), createKey)).rejects.toBeInstanceOf(
      IdempotencyReplay,
    );
    expect(await s.repo.getIdempotency(createKey.scope, 'other')).toBeUndefined();
  });

  it('lists outbox items written with changes, oldest first, until completed; a repeated item is one item', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    // Older than anything else in the shared table, so they lead the outbox.
    const base = `1990-01-01T00:00:00.${String(serial % 1000).padStart(3, '0')}Z`;
    const items: OutboxItem[] = [
      { kind: 'start-execution', applicationId: app.id, submissionSeq: 1, createdAt: base },
      { kind: 'deliver-decision', applicationId: app.id, submissionSeq: 1, level: 0, createdAt: `${base}1` },
    ];
    await s.repo.update(app.id, escalate, { outbox: [items[1] as OutboxItem] });
    await s.repo.update(app.id, escalate, { outbox: [items[0] as OutboxItem] });
    await s.repo.update(app.id, escalate, { outbox: [items[0] as OutboxItem] });
    const mine = async (limit: number, dueBy?: string) =>
      (await s.repo.listOutbox(limit, dueBy)).filter((o) => o.applicationId === app.id);
    expect(await mine(100)).toEqual(items);
    // Only what is due by then.
    expect(await mine(100, base)).toEqual([items[0]]);
    await s.repo.completeOutbox(items[0] as OutboxItem);
    expect(await mine(100)).toEqual([items[1]]);
  });

  it('defers an outbox item behind the others until it is due again, counting attempts; a completed item stays completed', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const base = `1990-01-02T00:00:00.${String(serial % 1000).padStart(3, '0')}Z`;
    const later = '1990-01-03T00:00:00.000Z';
    const first: OutboxItem = {
      kind: 'start-execution',
      applicationId: app.id,
      submissionSeq: 1,
      createdAt: base,
    };
    const second: OutboxItem = {
      kind: 'deliver-decision',
      applicationId: app.id,
      submissionSeq: 1,
      level: 0,
      createdAt: `${base}1`,
    };
    await s.repo.update(app.id, escalate, { outbox: [first, second] });
    const mine = async (dueBy?: string) =>
      (await s.repo.listOutbox(100, dueBy)).filter((o) => o.applicationId === app.id);
    await s.repo.deferOutbox(first, later);
    expect(await mine('1990-01-02T12:00:00.000Z')).toEqual([second]);
    expect(await mine(later)).toEqual([second, { ...first, attempts: 1, dueAt: later }]);
    const [, again] = await mine(later);
    await s.repo.deferOutbox(again as OutboxItem, '1990-01-04T00:00:00.000Z');
    expect((await mine()).find((o) => o.kind === 'start-execution')).toMatchObject({ attempts: 2 });
    await s.repo.completeOutbox(first);
    await s.repo.deferOutbox(first, later);
    expect(await mine()).toEqual([second]);
  });

  it('stamps an outbox item with the correlation id of the work that wrote it, kept when deferred', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const base = `1990-01-05T00:00:00.${String(serial % 1000).padStart(3, '0')}Z`;
    const start: OutboxItem = {
      kind: 'start-execution',
      applicationId: app.id,
      submissionSeq: 1,
      createdAt: base,
    };
    const decision: OutboxItem = {
      kind: 'deliver-decision',
      applicationId: app.id,
      submissionSeq: 1,
      level: 0,
      createdAt: `${base}1`,
      correlationId: 'written-with-its-own',
    };
    await withCorrelationId('req-contract-1', () =>
      s.repo.update(app.id, escalate, { outbox: [start, decision] }),
    );
    const mine = async () => (await s.repo.listOutbox(100)).filter((o) => o.applicationId === app.id);
    expect(await mine()).toEqual([{ ...start, correlationId: 'req-contract-1' }, decision]);
    await s.repo.deferOutbox(start, '1990-01-06T00:00:00.000Z');
    expect((await mine()).find((o) => o.kind === 'start-execution')).toMatchObject({
      correlationId: 'req-contract-1',
      attempts: 1,
    });
    // Written outside any request (no current id): no correlation id, never an empty one.
    const other = await s.repo.create(record(), audit('application.created'));
    await s.repo.update(other.id, escalate, { outbox: [{ ...start, applicationId: other.id }] });
    const [bare] = (await s.repo.listOutbox(100)).filter((o) => o.applicationId === other.id);
    expect(bare).toBeDefined();
    expect(bare && 'correlationId' in bare).toBe(false);
  });

  it('takes an insurer event id once: a second use is a DuplicateEventError, writing nothing', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const event = { id: `evt-${uniq()}`, type: 'payout.succeeded', packageId: 'PKG-x' };
    expect(await s.repo.hasInsurerEvent(event.id)).toBe(false);
    const stored = await s.repo.update(app.id, escalate, { insurerEvent: event });
    expect(await s.repo.hasInsurerEvent(event.id)).toBe(true);
    await expect(s.repo.update(app.id, escalate, { insurerEvent: event })).rejects.toBeInstanceOf(
      DuplicateEventError,
    );
    await expectUnchanged(s, app.id, stored);
  });

  it('moves report counters with the change, counting a case and a person once however often they are paid', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const app = await s.repo.create(record({ campaignId }), audit('application.created'));
    const paid = (caseKey: string, personKey: string, highCourtCode = 'JX', courtCode = 'JX0102') => ({
      report: {
        campaignId,
        highCourtCode,
        courtCode,
        add: { paid: 1, amountFen: 100, pending: 0 },
        paid: { category: 'labor-remuneration', amountFen: 100, caseKey, personKey },
      },
    });
    await s.repo.update(app.id, escalate, paid('case-a', 'person-a'));
    await s.repo.update(app.id, escalate, paid('case-a', 'person-b'));
    await s.repo.update(app.id, escalate, paid('case-b', 'person-a'));
    await s.repo.update(app.id, escalate, paid('case-c', 'person-a', 'JX', 'JX0103'));
    const { byHighCourt, total } = await s.reports.counters(campaignId);
    const expected = {
      paid: 4,
      amountFen: 400,
      cases: 3,
      persons: 2,
      'cat:labor-remuneration:paid': 4,
      'cat:labor-remuneration:amountFen': 400,
    };
    expect(byHighCourt.get('JX')).toEqual({ ...expected, nationalPersons: 2 });
    expect(total).toEqual(expected);
    expect([...byHighCourt.keys()]).toEqual(['JX']);
    // byCourt: each executing court its own row, its persons distinct within the court
    const courts = await s.reports.courtCounters(campaignId, 'JX');
    expect([...courts.keys()]).toEqual(['JX']);
    expect(courts.get('JX')?.get('JX0102')).toEqual({
      paid: 3,
      amountFen: 300,
      cases: 2,
      persons: 2,
      'cat:labor-remuneration:paid': 3,
      'cat:labor-remuneration:amountFen': 300,
    });
    expect(courts.get('JX')?.get('JX0103')).toEqual({
      paid: 1,
      amountFen: 100,
      cases: 1,
      persons: 1,
      'cat:labor-remuneration:paid': 1,
      'cat:labor-remuneration:amountFen': 100,
    });
    expect((await s.reports.courtCounters(campaignId, 'HA')).size).toBe(0);
  });

  it('derives the national figures from the high-court rows: a person paid in two high courts is one person nationally', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const app = await s.repo.create(record({ campaignId }), audit('application.created'));
    const paid = (highCourtCode: string, caseKey: string, personKey: string) => ({
      report: {
        campaignId,
        highCourtCode,
        courtCode: `${highCourtCode}0102`,
        add: { paid: 1, amountFen: 100 },
        paid: { category: 'support', amountFen: 100, caseKey, personKey },
      },
    });
    await s.repo.update(app.id, escalate, paid('JX', 'case-jx', 'person-a'));
    await s.repo.update(app.id, escalate, paid('HA', 'case-ha', 'person-a'));
    await s.repo.update(app.id, escalate, paid('HA', 'case-ha2', 'person-b'));
    const { byHighCourt, total } = await s.reports.counters(campaignId);
    expect(byHighCourt.get('JX')).toMatchObject({ cases: 1, persons: 1, paid: 1 });
    expect(byHighCourt.get('HA')).toMatchObject({ cases: 2, persons: 2, paid: 2 });
    expect(total).toEqual({
      paid: 3,
      amountFen: 300,
      cases: 3,
      persons: 2,
      'cat:support:paid': 3,
      'cat:support:amountFen': 300,
    });
  });

  it('credits the relief fund with the change', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const app = await s.repo.create(record({ campaignId }), audit('application.created'));
    const credit = (amountFen: number) => ({
      fundCredit: { campaignId, amountFen, reference: 'r', receivedAt: '2026-03-01' },
    });
    await s.repo.update(app.id, escalate, credit(700));
    await s.repo.update(app.id, escalate, credit(300));
    expect(await s.repo.getFund(campaignId)).toEqual({ recoveredFen: 1_000, entries: 2 });
    expect(await s.repo.getFund(`c-${uniq()}`)).toEqual({ recoveredFen: 0, entries: 0 });
  });

  it('records a task token only while the application waits at that submission and level, with a new version (no audit entry)', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const token = { submissionSeq: 1, level: 0, token: 'tok' };
    expect((await s.repo.recordTaskToken(app.id, token)).outcome).toBe('moved-on');
    await s.repo.update(
      app.id,
      mutation((c) => ({
        status: 'pending_approval',
        level: 0,
        submission: {
          seq: 1,
          submittedAt: c.createdAt,
          submittedBy: 'clerk-1',
          approvalForm: { reviewOpinion: 'ok', reviewedBy: 'li' },
          executionName: `${c.id}-s1`,
        },
      })),
    );
    const before = await s.repo.get(app.id);
    expect((await s.repo.recordTaskToken(app.id, { ...token, level: 1 })).outcome).toBe('moved-on');
    expect((await s.repo.recordTaskToken(app.id, { ...token, submissionSeq: 2 })).outcome).toBe('moved-on');
    // Another execution than the submission's current one records nothing; the item comes back as it is.
    const foreign = await s.repo.recordTaskToken(app.id, token, `${app.id}-s1-other`);
    expect(foreign.outcome).toBe('moved-on');
    expect(foreign.app?.version).toBe(before?.version);
    expect(foreign.app?.submission?.executionName).toBe(`${app.id}-s1`);
    const recorded = await s.repo.recordTaskToken(app.id, token, `${app.id}-s1`);
    expect(recorded.outcome).toBe('recorded');
    expect(recorded.app?.taskToken).toEqual(token);
    const after = await s.repo.get(app.id);
    expect(after?.taskToken).toEqual(token);
    // The version moves, so a change built on a read from before the token is built again (and keeps
    // it); the audit sequence does not: recording a token is the workflow's bookkeeping, not an action.
    expect({ version: after?.version, auditSeq: after?.auditSeq }).toEqual({
      version: (before?.version ?? 0) + 1,
      auditSeq: before?.auditSeq,
    });
    expect(await s.repo.recordTaskToken(newId(), token)).toEqual({ outcome: 'moved-on', app: undefined });
  });

  it('adds documents with the first entry of their own chain, and settles each once, never writing the application', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const docOf = (documentId: string, createdAt: string): DocumentRecord => ({
      applicationId: app.id,
      documentId,
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      status: 'pending',
      s3Key: `applications/${app.id}/documents/${documentId}`,
      createdAt,
      createdBy: 'clerk-1',
      uploadedAt: null,
      rejectedReason: null,
      submissionSeqAtGrant: 0,
    });
    const noted = audit('document.requested');
    const later = docOf('DOCB0000000000', '2026-03-02T00:00:00.000Z');
    const earlier = docOf('DOCA0000000000', '2026-03-01T00:00:00.000Z');
    const stored = await addDocument(s.repo, later, noted);
    expect(stored).toMatchObject({ auditSeq: 1 });
    await addDocument(s.repo, earlier, noted);
    expect((await s.repo.listDocuments(app.id)).map((d) => d.documentId)).toEqual([
      earlier.documentId,
      later.documentId,
    ]);
    // The application row and its own chain are untouched by the document's chain.
    expect(await s.repo.get(app.id)).toEqual(app);
    await expect(addDocument(s.repo, later, noted)).rejects.toThrow();
    expect((await s.repo.getDocument(app.id, later.documentId))?.auditSeq).toBe(1);

    const at = '2026-03-03T00:00:00.000Z';
    const pending = (await s.repo.getDocument(app.id, later.documentId)) as DocumentRecord;
    const uploaded = audit('document.uploaded');
    expect(await s.repo.settleDocument(pending, { status: 'uploaded', at, reason: null }, uploaded)).toBe(
      'settled',
    );
    // Built on the document as it was (a repeated event): refused, nothing written.
    expect(await s.repo.settleDocument(pending, { status: 'rejected', at, reason: 'X' }, uploaded)).toBe(
      'document-changed',
    );
    const settled = (await s.repo.getDocument(app.id, later.documentId)) as DocumentRecord;
    expect(settled).toMatchObject({ status: 'uploaded', uploadedAt: at, auditSeq: 2 });
    expect(
      await s.repo.settleDocument(
        settled,
        { status: 'rejected', at: '2026-03-04T00:00:00.000Z', reason: 'OBJECT_CHANGED', from: 'uploaded' },
        audit('document.rejected'),
      ),
    ).toBe('settled');
    expect(await s.repo.getDocument(app.id, later.documentId)).toMatchObject({
      status: 'rejected',
      uploadedAt: at,
      rejectedReason: 'OBJECT_CHANGED',
      auditSeq: 3,
    });
    expect(await s.repo.getDocument(app.id, 'DOCZ0000000000')).toBeUndefined();
    expect(await s.repo.get(app.id)).toEqual(app);

    // The trail: the application's chain and each document's, every one verifying against its head.
    const trail = await s.repo.readTrail(app.id);
    expect(trail.application.map((e) => e.action)).toEqual(['application.created']);
    expect(trail.documents.map((d) => [d.documentId, d.head.seq, d.entries.map((e) => e.action)])).toEqual([
      [earlier.documentId, 1, ['document.requested']],
      [later.documentId, 3, ['document.requested', 'document.uploaded', 'document.rejected']],
    ]);
    for (const d of trail.documents) {
      expect(verifyChain(d.entries, { head: d.head })).toEqual({ valid: true, length: d.head.seq });
    }
    const union = await s.repo.listAudit(app.id);
    expect(union).toHaveLength(5);
    expect(union.filter((e) => e.documentId === later.documentId).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(union[0]?.action).toBe('application.created');
  });

  it('a grant with a basis checks its application in the same transaction: any other court, status, submission or campaign (or none) is GrantBasisMismatch with the application as it stands, nothing written', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const grant = (documentId: string) => pendingIdentity(app.id, documentId);
    const basis: GrantBasis = {
      courtCode: 'JX0102',
      status: 'draft',
      submissionSeq: 0,
      campaignIds: ['other', 'contract'],
    };
    const wrong: GrantBasis[] = [
      { ...basis, courtCode: 'JX01' },
      { ...basis, status: 'returned' },
      { ...basis, submissionSeq: 1 },
      { ...basis, campaignIds: ['other'] },
    ];
    for (const b of wrong) {
      const refused = await addDocument(
        s.repo,
        grant(`D${newId()}`.slice(0, 26)),
        audit('document.requested'),
        undefined,
        b,
      ).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GrantBasisMismatch);
      expect((refused as GrantBasisMismatch).current).toEqual(app);
    }
    const absent = await addDocument(
      s.repo,
      { ...grant(`D${newId()}`.slice(0, 26)), applicationId: newId() },
      audit('document.requested'),
      undefined,
      basis,
    ).catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(GrantBasisMismatch);
    expect((absent as GrantBasisMismatch).current).toBeUndefined();
    expect(await s.repo.listDocuments(app.id)).toEqual([]);
    expect((await s.repo.readTrail(app.id)).documents).toEqual([]);

    const stored = await addDocument(
      s.repo,
      grant(`D${newId()}`.slice(0, 26)),
      audit('document.requested'),
      undefined,
      basis,
    );
    expect(await s.repo.getDocument(app.id, stored.documentId)).toEqual(stored);
    expect(await s.repo.get(app.id)).toEqual(app);
  });

  it("an upload settled from its grant's facts writes only if every fact holds: the chain head, type and declared object (else document-changed) and the application's court, status and submission (else application-changed)", async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const documentId = `D${newId()}`.slice(0, 26);
    const at = new Date().toISOString();
    const stored = await addDocument(
      s.repo,
      {
        applicationId: app.id,
        documentId,
        type: 'identity',
        contentType: 'application/pdf',
        sizeBytes: 1,
        sha256: 'a'.repeat(64),
        status: 'pending',
        s3Key: `applications/${app.id}/documents/${documentId}`,
        createdAt: at,
        createdBy: 'clerk-1',
        uploadedAt: null,
        rejectedReason: null,
        submissionSeqAtGrant: 0,
      },
      audit('document.requested', { at }),
    );
    // The entry's time is the caller's when it names one (the key carries the head it gives).
    expect((await s.repo.readTrail(app.id)).documents[0]?.entries[0]?.at).toBe(at);
    const facts: GrantedUpload = {
      auditHead: stored.auditHead as string,
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      contentType: 'application/pdf',
      application: { courtCode: 'JX0102', status: 'draft', submissionSeq: 0 },
    };
    // Only what the key names: the adapter must not need anything else of the document.
    const named: DocumentRecord = {
      ...stored,
      contentType: '',
      createdAt: '',
      createdBy: '',
      auditSeq: 1,
      auditHead: facts.auditHead,
    };
    const settle = (granted: GrantedUpload, over: Partial<DocumentRecord> = {}) =>
      s.repo.settleDocument(
        { ...named, ...over },
        { status: 'uploaded', at: new Date().toISOString(), reason: null },
        audit('document.uploaded', { fromStatus: 'draft' }),
        { granted },
      );
    const before = await s.repo.getDocument(app.id, documentId);
    for (const wrong of [
      { ...facts, auditHead: 'b'.repeat(64) },
      { ...facts, sizeBytes: 2 },
      { ...facts, sha256: 'c'.repeat(64) },
      { ...facts, contentType: 'image/png' },
    ]) {
      expect(await settle(wrong, { auditHead: wrong.auditHead })).toBe('document-changed');
    }
    expect(await settle(facts, { type: 'bank-account' })).toBe('document-changed');
    expect(await settle(facts, { s3Key: `${stored.s3Key}/0` })).toBe('document-changed');
    for (const application of [
      { ...facts.application, courtCode: 'JX01' },
      { ...facts.application, status: 'returned' as const },
      { ...facts.application, submissionSeq: 1 },
    ]) {
      expect(await settle({ ...facts, application })).toBe('application-changed');
    }
    expect(await s.repo.getDocument(app.id, documentId)).toEqual(before);
    expect(await s.repo.get(app.id)).toEqual(app);

    expect(await settle({ ...facts, contentType: undefined })).toBe('settled');
    expect(await s.repo.getDocument(app.id, documentId)).toEqual({
      ...stored,
      status: 'uploaded',
      uploadedAt: expect.any(String),
      auditSeq: 2,
      auditHead: expect.any(String),
    });
    const chain = (await s.repo.readTrail(app.id)).documents[0];
    expect(chain?.entries.map((e) => e.action)).toEqual(['document.requested', 'document.uploaded']);
    expect(verifyChain(chain?.entries ?? []).valid).toBe(true);
    // Nothing of the application is written: sibling uploads never meet on one item.
    expect(await s.repo.get(app.id)).toEqual(app);
  });

  it('a submission marks the application before it reads the materials: an upload entering them after the read takes the mark, so the commit under it writes nothing (read again); once committed, an upload granted before it never enters', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const grant = (documentId: string) => pendingIdentity(app.id, documentId);
    const first = await addDocument(s.repo, grant(`D${newId()}`.slice(0, 26)), audit('document.requested'));
    const second = await addDocument(s.repo, grant(`E${newId()}`.slice(0, 26)), audit('document.requested'));
    const racing = await addDocument(s.repo, grant(`F${newId()}`.slice(0, 26)), audit('document.requested'));
    const at = new Date().toISOString();
    const upload = (doc: DocumentRecord, granted?: GrantedUpload) =>
      s.repo.settleDocument(
        doc,
        { status: 'uploaded', at, reason: null },
        audit('document.uploaded'),
        granted ? { granted } : {},
      );
    const facts = (doc: DocumentRecord): GrantedUpload => ({
      auditHead: doc.auditHead as string,
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      contentType: 'application/pdf',
      application: { courtCode: app.courtCode, status: 'draft', submissionSeq: 0 },
    });
    const submit = (closing: string | undefined) =>
      s.repo.update(
        app.id,
        mutation((c) => ({
          status: 'pending_approval',
          submission: {
            seq: 1,
            submittedAt: c.createdAt,
            submittedBy: 'clerk-1',
            approvalForm: { reviewOpinion: 'ok', reviewedBy: 'li' },
            executionName: `${c.id}-s1`,
          },
        })),
        { freezeMaterials: { closing: closing as string } },
      );
    // Not marked for another court (nor for an unknown id): the application as it stands, nothing read.
    expect(await s.repo.closeMaterials(app.id, 'JX01')).toEqual({ app, documents: [] });
    expect(await s.repo.closeMaterials(newId(), app.courtCode)).toEqual({ app: undefined, documents: [] });

    const closed = await s.repo.closeMaterials(app.id, app.courtCode);
    expect(closed.app).toEqual(app);
    expect(closed.closing).toEqual(expect.any(String));
    expect(closed.documents.map((d) => d.documentId)).toEqual([
      first.documentId,
      second.documentId,
      racing.documentId,
    ]);
    // The mark is no change of the record.
    expect(await s.repo.get(app.id)).toEqual(app);
    // An upload decided on a read enters and takes the mark: the commit built on the read is refused.
    expect(await upload(first)).toBe('settled');
    await expect(submit(closed.closing)).rejects.toThrow(StaleReadError);
    await expectUnchanged(s, app.id, app);
    // So does one settled from its grant's facts.
    const again = await s.repo.closeMaterials(app.id, app.courtCode);
    expect(again.closing).not.toBe(closed.closing);
    expect(again.documents.map((d) => d.status)).toEqual(['uploaded', 'pending', 'pending']);
    expect(await upload(second, facts(second))).toBe('settled');
    await expect(submit(again.closing)).rejects.toThrow(StaleReadError);
    await expectUnchanged(s, app.id, app);
    // A later mark, or any change of the application since the mark, takes it away too.
    const earlier = await s.repo.closeMaterials(app.id, app.courtCode);
    await s.repo.closeMaterials(app.id, app.courtCode);
    await expect(submit(earlier.closing)).rejects.toThrow(StaleReadError);
    const beforeEdit = await s.repo.closeMaterials(app.id, app.courtCode);
    await s.repo.update(
      app.id,
      mutation(() => ({ hardship: { statement: '已补充。' } })),
    );
    const edited = await s.repo.get(app.id);
    await expect(submit(beforeEdit.closing)).rejects.toThrow(StaleReadError);
    await expectUnchanged(s, app.id, edited);

    const mine = await s.repo.closeMaterials(app.id, app.courtCode);
    expect(mine.documents.map((d) => d.status)).toEqual(['uploaded', 'uploaded', 'pending']);
    await submit(mine.closing);
    // Committed: the upload through a grant from before it is refused, by its read and by its facts.
    expect(await upload(racing)).toBe('application-changed');
    expect(await upload(racing, facts(racing))).toBe('application-changed');
    expect((await s.repo.getDocument(app.id, racing.documentId))?.status).toBe('pending');
    // A rejection never enters the materials: it settles whatever the application.
    expect(
      await s.repo.settleDocument(
        racing,
        { status: 'rejected', at, reason: 'LATE_UPLOAD' },
        audit('document.rejected'),
      ),
    ).toBe('settled');
    // The application with its materials in one read: the same as the two reads (no audit entry, no
    // document trail, no outbox item among them), and nothing for an unknown id.
    const together = await s.repo.getWithMaterials(app.id);
    expect(together).toEqual({ app: await s.repo.get(app.id), ...(await s.repo.readMaterials(app.id)) });
    expect(together.documents.map((d) => [d.documentId, d.status])).toEqual([
      [first.documentId, 'uploaded'],
      [second.documentId, 'uploaded'],
      [racing.documentId, 'rejected'],
    ]);
    expect(await s.repo.getWithMaterials(newId())).toEqual({ app: undefined, documents: [] });
  });

  it('a submission that failed after marking holds nothing: the next upload enters and takes its mark, the next submission commits under its own', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const documentId = `D${newId()}`.slice(0, 26);
    const doc = await addDocument(s.repo, pendingIdentity(app.id, documentId), audit('document.requested'));
    await s.repo.closeMaterials(app.id, app.courtCode);
    expect(
      await s.repo.settleDocument(
        doc,
        { status: 'uploaded', at: new Date().toISOString(), reason: null },
        audit('document.uploaded'),
        {
          granted: {
            auditHead: doc.auditHead as string,
            sizeBytes: 1,
            sha256: 'a'.repeat(64),
            contentType: 'application/pdf',
            application: { courtCode: app.courtCode, status: 'draft', submissionSeq: 0 },
          },
        },
      ),
    ).toBe('settled');
    expect(await s.repo.get(app.id)).toEqual(app);
    const next = await s.repo.closeMaterials(app.id, app.courtCode);
    expect(next.documents.map((d) => d.status)).toEqual(['uploaded']);
    const submitted = await s.repo.update(
      app.id,
      mutation(() => ({ status: 'pending_approval' })),
      { freezeMaterials: { closing: next.closing as string } },
    );
    expect(submitted.status).toBe('pending_approval');
  });

  it('a document change with the application as read moves its docsVersion, refused once the application moved', async () => {
    const s = make();
    const app = await s.repo.create(record(), audit('application.created'));
    const doc = await addDocument(
      s.repo,
      {
        applicationId: app.id,
        documentId: `D${newId()}`.slice(0, 26),
        type: 'identity',
        contentType: 'application/pdf',
        sizeBytes: 1,
        sha256: 'a'.repeat(64),
        status: 'uploaded',
        s3Key: `applications/${app.id}/documents/x`,
        createdAt: new Date().toISOString(),
        createdBy: 'clerk-1',
        uploadedAt: new Date().toISOString(),
        rejectedReason: null,
      },
      audit('document.uploaded'),
    );
    const moved = await s.repo.update(app.id, escalate);
    const review = {
      status: 'rejected' as const,
      at: new Date().toISOString(),
      reason: 'R',
      from: 'uploaded' as const,
    };
    expect(
      await s.repo.settleDocument(doc, review, audit('document.review-rejected'), { application: app }),
    ).toBe('application-changed');
    expect(await s.repo.getDocument(app.id, doc.documentId)).toEqual(doc);
    expect(
      await s.repo.settleDocument(doc, review, audit('document.review-rejected'), { application: moved }),
    ).toBe('settled');
    const after = await s.repo.get(app.id);
    expect(after).toEqual({ ...moved, docsVersion: 1 });
    // A later change of the application keeps it (built on the application as it is now).
    await s.repo.update(app.id, escalate);
    expect((await s.repo.get(app.id))?.docsVersion).toBe(1);
  });

  it('lists a scope newest first, filtered, in pages whose cursor belongs to that list only', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const created: ApplicationRecord[] = [];
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      created.push(await s.repo.create(record({ campaignId, createdAt: at }), audit('application.created')));
    }
    await s.repo.update(
      created[1]?.id as string,
      mutation(() => ({ status: 'withdrawn' })),
    );
    const scope = { kind: 'campaign' as const, campaignId };
    const ids = (page: { items: ApplicationRecord[] }) => page.items.map((a) => a.id);
    const [a, b, c] = created.map((x) => x.id);

    const first = await s.repo.list(scope, { limit: 2 });
    expect(ids(first)).toEqual([c, b]);
    const second = await s.repo.list(scope, { limit: 2, cursor: first.nextCursor as string });
    expect(ids(second)).toEqual([a]);
    expect(second.nextCursor).toBeNull();

    // A page that ends exactly at the end still names where it stopped; the next page is empty.
    const whole = await s.repo.list(scope, { limit: 3 });
    expect(ids(whole)).toEqual([c, b, a]);
    const after = await s.repo.list(scope, { limit: 3, cursor: whole.nextCursor as string });
    expect(after).toEqual({ items: [], nextCursor: null });

    // Filters apply after each read; reading goes on until the page is full or the index ends (within
    // LIST_MAX_READS reads).
    expect(ids(await s.repo.list(scope, { limit: 2, status: 'draft' }))).toEqual([c, a]);
    const drafts = await s.repo.list(scope, { limit: 1, status: 'draft' });
    expect(ids(drafts)).toEqual([c]);
    const moreDrafts = await s.repo.list(scope, {
      limit: 1,
      status: 'draft',
      cursor: drafts.nextCursor as string,
    });
    expect(ids(moreDrafts)).toEqual([a]);

    const foreign = { kind: 'campaign' as const, campaignId: `c-${uniq()}` };
    for (const cursor of [first.nextCursor as string, 'garbage'])
      await expect(s.repo.list(foreign, { limit: 2, cursor })).rejects.toMatchObject({
        name: 'InvalidCursorError',
      });
  });

  it('reads a bounded number of times per page: a selective filter over many items returns a short page with a cursor', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const created: ApplicationRecord[] = [];
    const count = 2 * LIST_MAX_READS + 3;
    for (let i = 0; i < count; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      created.push(await s.repo.create(record({ campaignId, createdAt: at }), audit('application.created')));
    }
    // Only the oldest matches: the newest-first read reaches it last.
    const oldest = created[0] as ApplicationRecord;
    await s.repo.update(
      oldest.id,
      mutation(() => ({ status: 'withdrawn' })),
    );
    const scope = { kind: 'campaign' as const, campaignId };
    const first = await s.repo.list(scope, { limit: 2, status: 'withdrawn' });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    // Following the cursors finds it, exactly once, and then says there is no more.
    const found: string[] = [];
    let cursor: string | null = first.nextCursor;
    let pages = 1;
    while (cursor) {
      const page = await s.repo.list(scope, { limit: 2, status: 'withdrawn', cursor });
      found.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
      pages++;
    }
    expect(found).toEqual([oldest.id]);
    expect(pages).toBeGreaterThan(1);
  });

  describe('listDue (the sparse due index of relief-closed cases)', () => {
    /** A relief-closed case of `courtCode` in the high court partition `high`, next check due `due`. */
    const closedCase = (
      high: string,
      courtCode: string,
      due: string | null,
      over: Partial<ApplicationRecord> = {},
    ) =>
      s.repo.create(
        record({
          status: 'closed',
          courtCode,
          highCourtCode: high,
          ancestors: [courtCode.slice(0, 4), high],
          monitoring: {
            closedOn: '2026-03-11',
            intervalMonths: 6,
            until: '2031-03-11',
            nextDue: due,
            checks: [],
          },
          ...over,
        }),
        audit('application.created', { toStatus: 'closed' }),
      );
    let s: Subject;
    /** A fresh high court partition per scenario (the DynamoDB table is shared). */
    let high: string;
    beforeEach(() => {
      s = make();
      high = `H${uniq()}`;
    });
    const ids = (page: { items: ApplicationRecord[] }) => page.items.map((a) => a.id);

    it('lists one high court’s partition, earliest due first, due on or before `before`, with the court filters', async () => {
      const a = await closedCase(high, 'JX0102', '2026-09-11');
      const b = await closedCase(high, 'JX0103', '2026-09-10');
      const c = await closedCase(high, 'JX0201', '2026-09-12');
      await closedCase(high, 'JX0102', '2026-09-13'); // after `before`
      await closedCase(`H${uniq()}`, 'JX0102', '2026-09-11'); // another partition
      await closedCase(high, 'JX0102', null); // monitoring ended: not on the index
      await closedCase(high, 'JX0102', '2026-09-01', { status: 'resumed' }); // not relief-closed any more
      const due = (q: { before: string; courtCode?: string; courtOrAncestor?: string }) =>
        s.repo.listDue({ highCourtCode: high, limit: 50, ...q });

      expect(ids(await due({ before: '2026-09-12' }))).toEqual([b.id, a.id, c.id]);
      expect(ids(await due({ before: '2026-09-11' }))).toEqual([b.id, a.id]);
      expect(ids(await due({ before: '2026-09-09' }))).toEqual([]);
      expect(ids(await due({ before: '2026-09-12', courtCode: 'JX0102' }))).toEqual([a.id]);
      expect(ids(await due({ before: '2026-09-12', courtOrAncestor: 'JX01' }))).toEqual([b.id, a.id]);
      expect(ids(await due({ before: '2026-09-12', courtOrAncestor: 'JX02' }))).toEqual([c.id]);
      // What the index holds is the record as stored.
      expect((await due({ before: '2026-09-12', courtCode: 'JX0201' })).items).toEqual([
        await s.repo.get(c.id),
      ]);
    });

    it('pages with a cursor: a page that ends at the end names where it stopped, the last page is short; foreign cursors are refused', async () => {
      const [a, b, c] = [
        await closedCase(high, 'JX0102', '2026-09-10'),
        await closedCase(high, 'JX0102', '2026-09-11'),
        await closedCase(high, 'JX0102', '2026-09-12'),
      ].map((x) => x.id);
      const query = { highCourtCode: high, before: '2026-12-31' };
      const first = await s.repo.listDue({ ...query, limit: 2 });
      expect(ids(first)).toEqual([a, b]);
      expect(first.nextCursor).not.toBeNull();
      const second = await s.repo.listDue({ ...query, limit: 2, cursor: first.nextCursor as string });
      expect(ids(second)).toEqual([c]);
      expect(second.nextCursor).toBeNull();
      const whole = await s.repo.listDue({ ...query, limit: 3 });
      expect(ids(whole)).toEqual([a, b, c]);
      expect(await s.repo.listDue({ ...query, limit: 3, cursor: whole.nextCursor as string })).toEqual({
        items: [],
        nextCursor: null,
      });
      for (const cursor of [first.nextCursor as string, 'garbage'])
        await expect(
          s.repo.listDue({ highCourtCode: `H${uniq()}`, before: '2026-12-31', limit: 2, cursor }),
        ).rejects.toMatchObject({ name: 'InvalidCursorError' });
    });

    it('reads a bounded number of times per page: a selective court filter gives a short page with a cursor, and the cursors find the case once', async () => {
      for (let i = 0; i < 2 * LIST_MAX_READS + 3; i++) await closedCase(high, 'JX0102', '2026-09-10');
      const last = await closedCase(high, 'JX0201', '2026-09-20');
      const query = { highCourtCode: high, before: '2026-12-31', courtCode: 'JX0201', limit: 1 };
      const first = await s.repo.listDue(query);
      expect(first.items).toEqual([]);
      expect(first.nextCursor).not.toBeNull();
      const found: string[] = [];
      let cursor: string | null = first.nextCursor;
      while (cursor) {
        const page = await s.repo.listDue({ ...query, cursor });
        found.push(...ids(page));
        cursor = page.nextCursor;
      }
      expect(found).toEqual([last.id]);
    });

    it('follows the record: a recorded check moves the case to its next due date, resumption takes it off the index', async () => {
      const checked = await closedCase(high, 'JX0102', '2026-09-11');
      const resumed = await closedCase(high, 'JX0102', '2026-09-11');
      const due = (before: string) => s.repo.listDue({ highCourtCode: high, before, limit: 50 }).then(ids);
      expect(await due('2026-09-11')).toEqual(expect.arrayContaining([checked.id, resumed.id]));
      await s.repo.update(
        checked.id,
        mutation((c) => ({
          monitoring: {
            ...(c.monitoring as NonNullable<ApplicationRecord['monitoring']>),
            nextDue: '2027-03-12',
          },
        })),
      );
      await s.repo.update(
        resumed.id,
        mutation(() => ({ status: 'resumed' })),
      );
      expect(await due('2026-09-11')).toEqual([]);
      expect(await due('2027-03-12')).toEqual([checked.id]);
    });
  });
});

describe.each(implementations)('QuotaLedger and ReportStore contract: %s', (_name, make) => {
  const spc = { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin' as const] };
  const allocation: AuditInput = {
    actor: spc,
    action: 'quota.allocated',
    fromStatus: null,
    toStatus: null,
    detail: {},
  };

  it('allocates on the quota’s own chain, never below what is reserved and disbursed, concurrently without losing one', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const first = await s.quotas.allocate(campaignId, 'JX', 10_000, allocation);
    expect(first).toMatchObject({ allocatedFen: 10_000, availableFen: 10_000, version: 1, auditSeq: 1 });
    const app = await s.repo.create(record({ campaignId }), audit('application.created'));
    await s.repo.update(app.id, escalate, {
      quota: { campaignId, highCourtCode: 'JX', amountFen: 4_000, op: 'reserve' },
    });
    await expect(s.quotas.allocate(campaignId, 'JX', 3_999, allocation)).rejects.toBeInstanceOf(
      QuotaBelowCommittedError,
    );
    await Promise.all(
      [20_000, 30_000, 40_000].map((a) => s.quotas.allocate(campaignId, 'JX', a, allocation)),
    );
    const quota = await s.quotas.get(campaignId, 'JX');
    const trail = await s.quotas.listAudit(campaignId, 'JX');
    expect(trail).toHaveLength(4);
    expect(
      verifyChain(trail, { head: { seq: quota?.auditSeq ?? 0, hash: quota?.auditHead ?? '' } }).valid,
    ).toBe(true);
    expect(quota?.availableFen).toBe((quota?.allocatedFen ?? 0) - 4_000);
    expect(await s.quotas.list(campaignId)).toEqual([quota]);
  });

  it('records an allocation’s Idempotency-Key with it; a second use is an IdempotencyReplay', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const key = {
      scope: `["SPC","spc-admin-1","setQuota","${uniq()}"]`,
      key: 'q',
      requestHash: 'h',
      respond: (q: { allocatedFen: number }) => ({
        status: 200,
        body: { allocatedFen: q.allocatedFen },
        headers: {},
      }),
    };
    await s.quotas.allocate(campaignId, 'JX', 10_000, allocation, key);
    const error = await s.quotas.allocate(campaignId, 'JX', 20_000, allocation, key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response.body).toEqual({ allocatedFen: 10_000 });
    expect((await s.quotas.get(campaignId, 'JX'))?.allocatedFen).toBe(10_000);
  });

  it('freezes a report once; a replayed key is an IdempotencyReplay, a second freeze ReportAlreadyFrozenError', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const frozen = { campaignId, highCourtCode: 'JX', hash: 'abc', report: { paid: 1 } };
    const key = {
      scope: `["JX","a","freezeReport","${uniq()}"]`,
      key: 'f',
      requestHash: 'h',
      respond: (f: typeof frozen) => ({ status: 201, body: f, headers: {} }),
    };
    expect(await s.reports.getFrozen(campaignId, 'JX')).toBeUndefined();
    await s.reports.freeze(campaignId, 'JX', frozen, key);
    expect(await s.reports.getFrozen(campaignId, 'JX')).toEqual(frozen);
    await expect(s.reports.freeze(campaignId, 'JX', frozen, key)).rejects.toBeInstanceOf(IdempotencyReplay);
    await expect(s.reports.freeze(campaignId, 'JX', { ...frozen, hash: 'def' })).rejects.toBeInstanceOf(
      ReportAlreadyFrozenError,
    );
    expect(await s.reports.getFrozen(campaignId, 'JX')).toEqual(frozen);
  });

  it('keeps a narrative per high court on its version; a stale version is NarrativeVersionConflict, a frozen report ReportAlreadyFrozenError, a replayed key an IdempotencyReplay', async () => {
    const s = make();
    const campaignId = `c-${uniq()}`;
    const narrative = (version: number, highCourtCode = 'XJ'): StoredNarrative => ({
      campaignId,
      highCourtCode,
      effects: `第${version}稿`,
      version,
      updatedAt: '2026-12-01T08:00:00.000Z',
      updatedBy: 'a',
      actor: { sub: 'a', court: highCourtCode, roles: ['approver'] },
    });
    const key = {
      scope: `["XJ","a","putReportNarrative","${uniq()}"]`,
      key: 'n',
      requestHash: 'h',
      respond: (n: StoredNarrative) => ({ status: 200, body: n, headers: {} }),
    };
    await s.reports.putNarrative(narrative(1), key);
    await expect(s.reports.putNarrative(narrative(1), key)).rejects.toBeInstanceOf(IdempotencyReplay);
    await expect(s.reports.putNarrative(narrative(1))).rejects.toBeInstanceOf(NarrativeVersionConflict);
    await expect(s.reports.putNarrative(narrative(3))).rejects.toBeInstanceOf(NarrativeVersionConflict);
    await s.reports.putNarrative(narrative(2));
    await s.reports.putNarrative(narrative(1, 'XJBT'));
    expect((await s.reports.narratives(campaignId, 'XJ')).get('XJ')).toEqual(narrative(2));
    expect([...(await s.reports.narratives(campaignId, 'XJ')).keys()]).toEqual(['XJ']);
    expect([...(await s.reports.narratives(campaignId)).keys()].sort()).toEqual(['XJ', 'XJBT']);
    await s.reports.freeze(campaignId, 'XJ', { campaignId, highCourtCode: 'XJ', hash: 'x' });
    await expect(s.reports.putNarrative(narrative(3))).rejects.toBeInstanceOf(ReportAlreadyFrozenError);
    expect((await s.reports.narratives(campaignId, 'XJ')).get('XJ')?.version).toBe(2);
  });
});
