import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealEntry } from '../../functions/domain/audit-chain.ts';
import type { Campaign } from '../../functions/domain/campaigns.ts';
import { CPL_BASIS_2018, CPL_BASIS_2024 } from '../../functions/domain/ruling.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import type { AuditEntry, AuditInput } from '../../functions/ports/applications.ts';
import {
  type ApprovedHighWater,
  type CampaignAdminStore,
  CampaignWriteConflictError,
  type StoredCampaign,
} from '../../functions/ports/campaigns.ts';
import type { IdempotentWrite } from '../../functions/ports/idempotency.ts';
import type { CampaignInput } from '../../functions/usecases/campaigns.ts';
import { createCampaign } from '../../functions/usecases/create-campaign.ts';
import { getCampaignAudit } from '../../functions/usecases/get-campaign-audit.ts';
import { patchCampaign } from '../../functions/usecases/patch-campaign.ts';
import { idempotencyFor, people, refusal, T0 } from './world.ts';

/**
 * The SPC's campaign administration (POST/PATCH /campaigns, GET /campaigns/{id}/audit) against an
 * in-memory admin store that keeps the DynamoDB store's contract (ports/campaigns.ts): version 1 on
 * create, version + 1 per update, each write with the next entry of the campaign's hash chain, an
 * update refused when the campaign or its approvals counters moved since they were read.
 */
class MemoryCampaignAdmin implements CampaignAdminStore {
  readonly campaigns = new Map<string, StoredCampaign>();
  readonly trails = new Map<string, AuditEntry[]>();
  highWater: ApprovedHighWater = { anyClaimFen: 0, standardClaimFen: 0, approvals: {} };
  /** The approvals counters as they are now (an approval in between moves them). */
  approvalsNow: Record<string, number> = {};
  readonly writes: { approvalsSeen?: Readonly<Record<string, number>>; idempotency?: unknown }[] = [];
  /** Runs once before the next update's condition is checked (a concurrent writer). */
  beforeUpdate: (() => void) | undefined;
  failUpdate: Error | undefined;

  async get(id: string) {
    const c = this.campaigns.get(id);
    return c && structuredClone(c);
  }
  async approvedHighWater() {
    return structuredClone({ ...this.highWater, approvals: { ...this.approvalsNow } });
  }
  async create(
    campaign: Campaign,
    audit: AuditInput,
    at: string,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ) {
    if (this.campaigns.has(campaign.id)) throw new CampaignWriteConflictError('exists');
    this.writes.push({ idempotency });
    return this.write(undefined, campaign, audit, at);
  }
  async update(
    current: StoredCampaign,
    next: Campaign,
    audit: AuditInput,
    at: string,
    approvalsSeen: Readonly<Record<string, number>>,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ) {
    const hook = this.beforeUpdate;
    this.beforeUpdate = undefined;
    hook?.();
    if (this.failUpdate) throw this.failUpdate;
    this.writes.push({ approvalsSeen, idempotency });
    const stored = this.campaigns.get(current.id);
    if (
      stored?.version !== current.version ||
      JSON.stringify(approvalsSeen) !== JSON.stringify(this.approvalsNow)
    )
      throw new CampaignWriteConflictError('changed');
    return this.write(current, next, audit, at);
  }
  async listAudit(id: string) {
    return structuredClone(this.trails.get(id) ?? []);
  }
  private write(current: StoredCampaign | undefined, next: Campaign, audit: AuditInput, at: string) {
    const seq = (current?.auditSeq ?? 0) + 1;
    const entry = sealEntry(
      {
        seq,
        at,
        actor: audit.actor,
        action: audit.action,
        fromStatus: null,
        toStatus: null,
        detail: audit.detail,
      },
      current?.auditHead ?? GENESIS_HASH,
    );
    const { version: _v, ...definition } = next;
    const stored: StoredCampaign = {
      ...definition,
      version: (current?.version ?? 0) + 1,
      auditSeq: seq,
      auditHead: entry.hash,
      updatedAt: at,
    };
    this.campaigns.set(next.id, structuredClone(stored));
    this.trails.set(next.id, [...(this.trails.get(next.id) ?? []), structuredClone(entry) as AuditEntry]);
    return stored;
  }
}

function admin() {
  const store = new MemoryCampaignAdmin();
  const deps = { campaignStore: store, now: () => new Date(T0) };
  const dump = () => JSON.stringify({ c: [...store.campaigns], t: [...store.trails], w: store.writes });
  return { store, deps, dump };
}

const INPUT: CampaignInput = {
  id: 'c2026',
  name: '2026年集中救助活动',
  preparation: { start: '2026-04-01', end: '2026-04-30' },
  handling: { start: '2026-05-01', end: '2026-09-30' },
  reportDue: '2026-10-15',
  standardLimitFen: 5_000_000,
  specialLimitFen: 10_000_000,
};

async function refusedWithoutWrite(
  a: ReturnType<typeof admin>,
  run: () => Promise<unknown>,
  expected: { code: string; status: number },
) {
  const before = a.dump();
  const error = (await refusal(run())) as Error & { code?: string; status?: number; errors?: unknown };
  expect({ code: error.code, status: error.status }).toEqual(expected);
  expect(a.dump()).toEqual(before);
  return error;
}

describe('createCampaign', () => {
  it('stores version 1 in Beijing time with every default, audited campaign.created', async () => {
    const a = admin();
    const key = idempotencyFor<StoredCampaign>(people.spcAdmin, 'createCampaign', {}, 'k1', INPUT);
    const created = await createCampaign(a.deps, people.spcAdmin, INPUT, key);
    expect(created).toMatchObject({
      id: 'c2026',
      version: 1,
      auditSeq: 1,
      updatedAt: T0,
      preparation: { start: '2026-04-01T00:00:00+08:00', end: '2026-04-30T23:59:59.999+08:00' },
      handling: { start: '2026-05-01T00:00:00+08:00', end: '2026-09-30T23:59:59.999+08:00' },
      reportDue: '2026-10-15T23:59:59.999+08:00',
      requireDebtor: true,
      requireTerminationChecklist: false,
      assetCheckIntervalMonths: 6,
      assetCheckYears: 5,
      rulingLegalBasis: CPL_BASIS_2024,
    });
    expect(a.store.writes).toEqual([{ idempotency: key }]);
    const entry = a.store.trails.get('c2026')?.[0] as AuditEntry;
    expect(entry).toMatchObject({
      seq: 1,
      at: T0,
      action: 'campaign.created',
      actor: people.spcAdmin,
      fromStatus: null,
      toStatus: null,
      prevHash: GENESIS_HASH,
    });
    const { version: _v, auditSeq: _s, auditHead: _h, updatedAt: _u, ...definition } = created;
    expect((entry.detail as { campaign: Campaign }).campaign).toEqual(definition);
    expect(created.auditHead).toBe(entry.hash);
  });

  it('keeps an instant with an offset as the same instant at +08:00, and a ruling basis given', async () => {
    const a = admin();
    const created = await createCampaign(a.deps, people.spcAdmin, {
      ...INPUT,
      preparation: { start: '2016-03-31T16:00:00Z', end: '2016-04-30' },
      handling: { start: '2016-05-01T01:30:00.250+01:00', end: '2016-09-30' },
      reportDue: '2016-10-15',
      rulingLegalBasis: { article: 1, item: 2 },
    });
    expect(created.preparation.start).toBe('2016-04-01T00:00:00+08:00');
    expect(created.handling.start).toBe('2016-05-01T08:30:00.250+08:00');
    expect(created.rulingLegalBasis).toEqual({ article: 1, item: 2 });
    const older = await createCampaign(a.deps, people.spcAdmin, {
      ...INPUT,
      id: 'c2016',
      preparation: { start: '2016-04-01', end: '2016-04-30' },
      handling: { start: '2016-05-01', end: '2016-09-30' },
      reportDue: '2016-10-15',
    });
    expect(older.rulingLegalBasis).toEqual(CPL_BASIS_2018);
  });

  it('is refused to anyone but an SPC administrator (ROLE_FORBIDDEN), writing nothing', async () => {
    const a = admin();
    const notAdmins: Principal[] = [
      people.spcClerk,
      { sub: 'x', court: 'JX', roles: ['spc-admin'] },
      people.highApprover,
    ];
    for (const who of notAdmins)
      await refusedWithoutWrite(a, () => createCampaign(a.deps, who, INPUT), {
        code: 'ROLE_FORBIDDEN',
        status: 403,
      });
  });

  it('refuses a broken campaign with every problem at its path (CAMPAIGN_INVALID)', async () => {
    const a = admin();
    const bad = (over: Partial<CampaignInput>) =>
      refusedWithoutWrite(a, () => createCampaign(a.deps, people.spcAdmin, { ...INPUT, ...over }), {
        code: 'CAMPAIGN_INVALID',
        status: 422,
      }).then((e) => e.errors as { code: string; path: string }[]);

    expect(
      await bad({
        preparation: { start: '2026-02-30', end: 'soon' },
        reportDue: '2026-02-28T10:00:00+08:00x',
      }),
    ).toMatchObject([
      { code: 'INVALID_DATE', path: 'preparation.start' },
      { code: 'INVALID_DATE', path: 'preparation.end' },
      { code: 'INVALID_DATE', path: 'reportDue' },
    ]);
    // An instant whose written day does not exist (Date.parse would roll it over to 03-02).
    expect(await bad({ reportDue: '2026-02-30T10:00:00+08:00' })).toMatchObject([
      { code: 'INVALID_DATE', path: 'reportDue' },
    ]);
    expect(await bad({ preparation: { start: '2026-04-30', end: '2026-04-01' } })).toMatchObject([
      { code: 'PREPARATION_ENDS_BEFORE_START', path: 'preparation.end' },
    ]);
    // Preparation ending the day handling starts: handling must start after it.
    expect(await bad({ preparation: { start: '2026-04-01', end: '2026-05-01' } })).toMatchObject([
      { code: 'HANDLING_NOT_AFTER_PREPARATION', path: 'handling.start' },
    ]);
    expect(await bad({ handling: { start: '2026-05-01', end: '2026-04-30T23:00:00+08:00' } })).toMatchObject([
      { code: 'HANDLING_ENDS_BEFORE_START', path: 'handling.end' },
    ]);
    expect(await bad({ reportDue: '2026-09-30' })).toMatchObject([
      { code: 'REPORT_DUE_NOT_AFTER_HANDLING', path: 'reportDue' },
    ]);
    expect(await bad({ specialLimitFen: 4_999_999 })).toMatchObject([
      { code: 'SPECIAL_LIMIT_BELOW_STANDARD', path: 'specialLimitFen' },
    ]);
    // A date problem and a limit problem together: both reported.
    expect(await bad({ reportDue: 'x', specialLimitFen: 1 })).toMatchObject([
      { code: 'INVALID_DATE', path: 'reportDue' },
      { code: 'SPECIAL_LIMIT_BELOW_STANDARD', path: 'specialLimitFen' },
    ]);
  });

  it('accepts the edges: a one-day phase and equal limits', async () => {
    const a = admin();
    const created = await createCampaign(a.deps, people.spcAdmin, {
      ...INPUT,
      preparation: { start: '2026-04-01', end: '2026-04-01' },
      handling: { start: '2026-04-02', end: '2026-04-02' },
      reportDue: '2026-04-03',
      specialLimitFen: INPUT.standardLimitFen,
    });
    expect(created.version).toBe(1);
  });

  it('refuses an id already taken (CAMPAIGN_EXISTS), keeping the first', async () => {
    const a = admin();
    await createCampaign(a.deps, people.spcAdmin, INPUT);
    await refusedWithoutWrite(a, () => createCampaign(a.deps, people.spcAdmin, { ...INPUT, name: 'other' }), {
      code: 'CAMPAIGN_EXISTS',
      status: 409,
    });
    expect(a.store.campaigns.get('c2026')?.name).toBe(INPUT.name);
  });
});

describe('patchCampaign', () => {
  async function created() {
    const a = admin();
    await createCampaign(a.deps, people.spcAdmin, INPUT);
    return a;
  }

  it('writes version + 1 with the changed fields, audited campaign.updated with before and after', async () => {
    const a = await created();
    a.store.approvalsNow = { 'COUNTER#JX': 2 };
    const key = idempotencyFor<StoredCampaign>(people.spcAdmin, 'patchCampaign', { id: 'c2026' }, 'k', {});
    const next = await patchCampaign(
      a.deps,
      people.spcAdmin,
      'c2026',
      1,
      { name: '改名', reportDue: '2026-10-20', specialLimitFen: undefined },
      key,
    );
    expect(next).toMatchObject({
      version: 2,
      auditSeq: 2,
      name: '改名',
      reportDue: '2026-10-20T23:59:59.999+08:00',
    });
    expect(next.specialLimitFen).toBe(INPUT.specialLimitFen);
    expect(a.store.writes.at(-1)).toEqual({ approvalsSeen: { 'COUNTER#JX': 2 }, idempotency: key });
    const entry = a.store.trails.get('c2026')?.[1];
    expect(entry).toMatchObject({ seq: 2, action: 'campaign.updated', actor: people.spcAdmin, at: T0 });
    expect(entry?.detail).toEqual({
      campaignId: 'c2026',
      fromVersion: 1,
      changes: {
        name: { from: INPUT.name, to: '改名' },
        reportDue: { from: '2026-10-15T23:59:59.999+08:00', to: '2026-10-20T23:59:59.999+08:00' },
      },
    });
  });

  it('keeps the ruling basis once set when the dates move into another law’s time', async () => {
    const a = await created();
    const moved = await patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, {
      preparation: { start: '2016-04-01', end: '2016-04-30' },
      handling: { start: '2016-05-01', end: '2016-09-30' },
      reportDue: '2016-10-15',
    });
    expect(moved.rulingLegalBasis).toEqual(CPL_BASIS_2024);
    const set = await patchCampaign(a.deps, people.spcAdmin, 'c2026', 2, {
      rulingLegalBasis: CPL_BASIS_2018,
    });
    expect(set.rulingLegalBasis).toEqual(CPL_BASIS_2018);
  });

  it('is refused to anyone but an SPC administrator (ROLE_FORBIDDEN)', async () => {
    const a = await created();
    await refusedWithoutWrite(a, () => patchCampaign(a.deps, people.spcClerk, 'c2026', 1, { name: 'x' }), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
  });

  it('answers NOT_FOUND for an unknown campaign and VERSION_CONFLICT for a stale If-Match', async () => {
    const a = await created();
    await refusedWithoutWrite(a, () => patchCampaign(a.deps, people.spcAdmin, 'nope', 1, { name: 'x' }), {
      code: 'NOT_FOUND',
      status: 404,
    });
    for (const stale of [0, 2])
      await refusedWithoutWrite(
        a,
        () => patchCampaign(a.deps, people.spcAdmin, 'c2026', stale, { name: 'x' }),
        {
          code: 'VERSION_CONFLICT',
          status: 409,
        },
      );
  });

  it('checks the merged campaign’s rules (CAMPAIGN_INVALID)', async () => {
    const a = await created();
    const error = await refusedWithoutWrite(
      a,
      () => patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { standardLimitFen: 20_000_000 }),
      { code: 'CAMPAIGN_INVALID', status: 422 },
    );
    expect(error.errors).toMatchObject([{ code: 'SPECIAL_LIMIT_BELOW_STANDARD', path: 'specialLimitFen' }]);
  });

  it('never lowers a limit below a claim already approved (LIMIT_BELOW_APPROVED), down to it is fine', async () => {
    const a = await created();
    a.store.highWater = { anyClaimFen: 8_000_000, standardClaimFen: 4_000_000, approvals: {} };
    const special = await refusedWithoutWrite(
      a,
      () => patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { specialLimitFen: 7_999_999 }),
      { code: 'LIMIT_BELOW_APPROVED', status: 409 },
    );
    expect(special.errors).toMatchObject([{ code: 'LIMIT_BELOW_APPROVED', path: 'specialLimitFen' }]);
    const both = await refusedWithoutWrite(
      a,
      () =>
        patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, {
          standardLimitFen: 3_999_999,
          specialLimitFen: 3_999_999,
        }),
      { code: 'LIMIT_BELOW_APPROVED', status: 409 },
    );
    expect(both.errors).toMatchObject([
      { code: 'LIMIT_BELOW_APPROVED', path: 'specialLimitFen' },
      { code: 'LIMIT_BELOW_APPROVED', path: 'standardLimitFen' },
    ]);
    const down = await patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, {
      standardLimitFen: 4_000_000,
      specialLimitFen: 8_000_000,
    });
    expect(down).toMatchObject({ version: 2, standardLimitFen: 4_000_000, specialLimitFen: 8_000_000 });
  });

  it('reads again when an approval lands between its read and its write', async () => {
    const a = await created();
    a.store.beforeUpdate = () => {
      a.store.approvalsNow = { 'COUNTER#JX': 1 };
      a.store.highWater = { anyClaimFen: 9_000_000, standardClaimFen: 0, approvals: {} };
    };
    // The second read sees the new approval's claim: the lowered limit is now refused.
    const error = await refusal(
      patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { specialLimitFen: 8_000_000 }),
    );
    expect(error.code).toBe('LIMIT_BELOW_APPROVED');
    expect(a.store.campaigns.get('c2026')?.version).toBe(1);

    a.store.beforeUpdate = () => {
      a.store.approvalsNow = { 'COUNTER#JX': 2 };
    };
    const written = await patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { specialLimitFen: 9_500_000 });
    expect(written.version).toBe(2);
    expect(a.store.writes.at(-1)?.approvalsSeen).toEqual({ 'COUNTER#JX': 2 });
  });

  it('answers VERSION_CONFLICT when another change wins the race, CONCURRENT_UPDATE when races never end', async () => {
    const a = await created();
    a.store.beforeUpdate = () => {
      const c = a.store.campaigns.get('c2026') as StoredCampaign;
      a.store.campaigns.set('c2026', { ...c, version: 2 });
    };
    expect((await refusal(patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { name: 'x' }))).code).toBe(
      'VERSION_CONFLICT',
    );

    const b = await created();
    b.store.failUpdate = new CampaignWriteConflictError('changed');
    await refusedWithoutWrite(b, () => patchCampaign(b.deps, people.spcAdmin, 'c2026', 1, { name: 'x' }), {
      code: 'CONCURRENT_UPDATE',
      status: 409,
    });
  });

  it('lets any other store failure through as it is', async () => {
    const a = await created();
    const boom = new Error('table gone');
    a.store.failUpdate = boom;
    expect(await refusal(patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { name: 'x' }))).toBe(boom);
  });
});

describe('getCampaignAudit', () => {
  it('returns the trail verified against the head on the campaign, to anyone at the SPC', async () => {
    const a = admin();
    await createCampaign(a.deps, people.spcAdmin, INPUT);
    await patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { name: 'x' });
    const audit = await getCampaignAudit(a.deps, people.spcClerk, 'c2026');
    expect(audit.entries.map((e) => e.action)).toEqual(['campaign.created', 'campaign.updated']);
    expect(audit.verification).toEqual({ valid: true, length: 2 });
  });

  it('is read at the SPC only (CAMPAIGN_AUDIT_NOT_VISIBLE), and NOT_FOUND for an unknown campaign', async () => {
    const a = admin();
    await createCampaign(a.deps, people.spcAdmin, INPUT);
    const foreign = await refusal(
      getCampaignAudit(a.deps, { ...people.highApprover, roles: ['spc-admin'] }, 'c2026'),
    );
    expect({ code: foreign.code, status: foreign.status }).toEqual({
      code: 'CAMPAIGN_AUDIT_NOT_VISIBLE',
      status: 403,
    });
    const missing = await refusal(getCampaignAudit(a.deps, people.spcAdmin, 'nope'));
    expect({ code: missing.code, status: missing.status }).toEqual({ code: 'NOT_FOUND', status: 404 });
  });

  it('detects an altered or removed entry, and returns entries newer than the head unjudged', async () => {
    const a = admin();
    await createCampaign(a.deps, people.spcAdmin, INPUT);
    await patchCampaign(a.deps, people.spcAdmin, 'c2026', 1, { name: 'x' });
    const trail = a.store.trails.get('c2026') as AuditEntry[];

    // An entry written after the head was read (the head on the campaign still says 1).
    const c = a.store.campaigns.get('c2026') as StoredCampaign;
    a.store.campaigns.set('c2026', { ...c, auditSeq: 1, auditHead: trail[0]?.hash as string });
    const newer = await getCampaignAudit(a.deps, people.spcAdmin, 'c2026');
    expect(newer.entries).toHaveLength(2);
    expect(newer.verification).toEqual({ valid: true, length: 1 });

    a.store.campaigns.set('c2026', c);
    a.store.trails.set('c2026', [trail[0] as AuditEntry]);
    expect((await getCampaignAudit(a.deps, people.spcAdmin, 'c2026')).verification).toMatchObject({
      valid: false,
    });

    a.store.trails.set('c2026', [
      trail[0] as AuditEntry,
      { ...(trail[1] as AuditEntry), detail: { changes: {} } },
    ]);
    expect((await getCampaignAudit(a.deps, people.spcAdmin, 'c2026')).verification).toEqual({
      valid: false,
      brokenAtSeq: 2,
      reason: 'HASH_MISMATCH',
    });
  });

  it('verifies a campaign seeded without a trail as the empty chain', async () => {
    const a = admin();
    const { version: _v, ...seeded } = { ...INPUT, version: undefined } as unknown as StoredCampaign;
    a.store.campaigns.set('seeded', { ...seeded, id: 'seeded' });
    expect(await getCampaignAudit(a.deps, people.spcAdmin, 'seeded')).toEqual({
      entries: [],
      verification: { valid: true, length: 0 },
    });
  });
});
