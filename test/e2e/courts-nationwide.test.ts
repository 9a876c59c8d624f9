/**
 * The whole country's courts through the API: the registry pages with its cursor, and a clerk of any
 * basic court (a seeded random sample across every province, 内蒙古 and the XPCC included) files an
 * application with its own case designation that routes to its own high-level court.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { COURTS, type Court } from '../../functions/domain/courts.ts';
import { api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

const form = {
  approvalForm: { reviewOpinion: '材料齐全，符合救助条件，同意报请审批。', reviewedBy: '王法官' },
};

let reader: string;

beforeAll(async () => {
  reader = await token('SPC', ['spc-admin'], 'spc-admin-nationwide');
});

async function pageAll(query: string, limit: number): Promise<{ items: Court[]; pages: number }> {
  const items: Court[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const qs: string = `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api('GET', `/courts?${qs}`, { token: reader });
    expect(res.status, qs).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

describe('GET /courts pages through the whole country', () => {
  it('lists ≥ 2,800 basic courts, each once, with the cursor', async () => {
    const { items, pages } = await pageAll('level=basic', 200);
    expect(items.length).toBeGreaterThanOrEqual(2800);
    expect(pages).toBe(Math.ceil(items.length / 200));
    expect(new Set(items.map((c) => c.code)).size).toBe(items.length);
    expect(items.every((c) => c.level === 'basic')).toBe(true);
    const provinces = new Set(items.map((c) => c.province));
    expect(provinces.size).toBe(32);
    expect(items.find((c) => c.code === 'NM0102')).toMatchObject({
      name: '内蒙古自治区呼和浩特市新城区人民法院',
      caseCourtPrefix: '内0102',
      parentCode: 'NM01',
    });
  });

  it('lists ≥ 350 intermediate courts, each once, with the cursor', async () => {
    const { items } = await pageAll('level=intermediate', 50);
    expect(items.length).toBeGreaterThanOrEqual(350);
    expect(new Set(items.map((c) => c.code)).size).toBe(items.length);
    expect(items.every((c) => c.level === 'intermediate')).toBe(true);
    expect(items.find((c) => c.caseCourtPrefix === '沪72')?.name).toBe('上海海事法院');
  });

  it('filters by province and by parent', async () => {
    const xpcc = await pageAll('province=BT', 200);
    expect(xpcc.items[0]).toMatchObject({ code: 'BT', caseCourtPrefix: '兵' });
    expect(xpcc.items.every((c) => c.caseCourtPrefix.startsWith('兵'))).toBe(true);
    const haidianParent = await pageAll('parentCode=BJ01', 200);
    expect(haidianParent.items.map((c) => c.code)).toContain('BJ0108');
    expect(haidianParent.items.every((c) => c.parentCode === 'BJ01')).toBe(true);
  });
});

async function courtName(code: string, bearer: string): Promise<string> {
  return (await api('GET', `/courts/${code}`, { token: bearer })).body.name;
}

/** One basic court per quota holder, drawn with a fixed seed (the same sample on every run). */
function sampleBasicCourts(): Court[] {
  const byProvince = new Map<string, Court[]>();
  for (const c of COURTS.filter((x) => x.level === 'basic')) {
    byProvince.set(c.province, [...(byProvince.get(c.province) ?? []), c]);
  }
  return [...byProvince.values()].map(
    (courts) => fc.sample(fc.constantFrom(...courts), { seed: 20_261_201, numRuns: 1 })[0] as Court,
  );
}

describe('a clerk of any basic court files with its own designation', () => {
  const sample = sampleBasicCourts();

  it('draws from all 32 quota holders, 内蒙古 and the XPCC included', () => {
    expect(new Set(sample.map((c) => c.province)).size).toBe(32);
    expect(sample.find((c) => c.province === 'NM')?.caseCourtPrefix).toMatch(/^内\d{4}$/);
    expect(sample.find((c) => c.province === 'BT')?.caseCourtPrefix).toMatch(/^兵\d{4}$/);
  });

  it('creates an eligible application that routes to its own high-level court', async () => {
    for (const court of sample) {
      const clerk = await token(court.code, ['clerk'], `clerk-nationwide-${court.code}`);
      const listed = (await api('GET', `/courts/${court.code}`, { token: clerk })).body as Court;
      const body = applicationBody({ courtPrefix: listed.caseCourtPrefix });
      const created = await api('POST', '/applications', { token: clerk, body });
      expect(created.status, `${court.code} ${JSON.stringify(created.body)}`).toBe(201);
      expect(created.body.eligibility).toEqual({ eligible: true, failures: [] });
      expect(created.body.courtCode).toBe(court.code);
      expect(created.body.highCourtCode, court.code).toBe(court.province);
      const parent = (await api('GET', `/courts/${listed.parentCode}`, { token: clerk })).body as Court;
      expect(parent.level).toBe('intermediate');
      expect(created.body.route, court.code).toEqual(
        listed.directToHighCourt ? [court.code, court.province] : [court.code, parent.code, court.province],
      );
    }
  });

  it('refuses 蒙 (no designation) and another court’s designation, and creates nothing', async () => {
    const clerk = await token('NM0102', ['clerk'], 'clerk-nationwide-nm0102');
    const mongol = await api('POST', '/applications', {
      token: clerk,
      body: applicationBody({ courtPrefix: '蒙0102' }),
    });
    expect(mongol.status).toBe(422);
    expect(mongol.body.code).toBe('INELIGIBLE');
    expect(mongol.body.errors.map((e: { code: string }) => e.code)).toContain('INVALID_CASE_NUMBER');
    const foreign = await api('POST', '/applications', {
      token: clerk,
      body: applicationBody({ courtPrefix: '内0103' }),
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors.map((e: { code: string }) => e.code)).toContain('CASE_COURT_MISMATCH');
    const mine = await api('GET', '/applications?courtCode=NM0102', { token: clerk });
    expect(mine.body.items).toEqual([]);
  });

  it('walks an Inner Mongolian and an XPCC case level by level up to its high-level court', async () => {
    for (const court of sample.filter((c) => c.province === 'NM' || c.province === 'BT')) {
      const clerk = await token(court.code, ['clerk'], `clerk-chain-${court.code}`);
      const highApprover = await token(court.province, ['approver'], `approver-chain-${court.province}`);
      const quotaPath = `/campaigns/demo/quotas/${court.province}`;
      const before = (await api('GET', quotaPath, { token: highApprover })).body;
      const created = await api('POST', '/applications', {
        token: clerk,
        body: applicationBody({ courtPrefix: court.caseCourtPrefix }),
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      await uploadAllDocuments(id, clerk);
      const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
      expect(submitted.body).toMatchObject({ status: 'pending_approval', pendingAt: court.code });
      const route = created.body.route as string[];
      for (const [i, level] of route.entries()) {
        const approver = await token(level, ['approver'], `approver-chain-${level}`);
        const decided = await api('POST', `/applications/${id}/decisions`, {
          token: approver,
          body: { decision: 'approve', comment: '同意' },
        });
        expect(decided.status, `${level} ${JSON.stringify(decided.body)}`).toBe(200);
        expect(decided.body.pendingAt).toBe(route[i + 1] ?? null);
      }
      const done = await api('GET', `/applications/${id}`, { token: clerk });
      expect(['awaiting_payout', 'paid']).toContain(done.body.status);
      expect(route.at(-1)).toBe(court.province);
      // The high-level court's quota carries the relief amount, and its report names it.
      const after = (await api('GET', quotaPath, { token: highApprover })).body;
      expect(after.reservedFen + after.disbursedFen - (before.reservedFen + before.disbursedFen)).toBe(
        created.body.reliefAmountFen,
      );
      const report = await api('GET', '/campaigns/demo/reports', { token: highApprover });
      expect(report.status).toBe(200);
      expect(report.body.byHighCourt).toEqual([
        expect.objectContaining({
          highCourtCode: court.province,
          name: await courtName(court.province, clerk),
        }),
      ]);
    }
  });
});
