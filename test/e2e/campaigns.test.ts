import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * Campaigns managed by the SPC (api-contract "Courts and campaigns"): `POST /campaigns` and
 * `PATCH /campaigns/{id}` (spc-admin, If-Match), every rule with its own code and path, every change on
 * the campaign's hash-chained trail, limits never below a claim already approved, and a campaign made
 * through the API takes applications with no code change. Runs at 武汉市江岸区人民法院 (HB0102 → HB01 → HB)
 * in campaigns of its own, so no other suite's figures move.
 */

const run = Date.now().toString(36);
const PREFIX = '鄂0102';
const form = { approvalForm: { reviewOpinion: '材料齐全，同意报请审批', reviewedBy: '活动测试法官' } };
let spc: string;
let spcClerk: string;
let highClerk: string;
let clerk: string;
let approvers: Record<'HB0102' | 'HB01' | 'HB', string>;

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-campaigns');
  spcClerk = await token('SPC', ['clerk'], 'spc-clerk-campaigns');
  highClerk = await token('HB', ['clerk'], 'hb-clerk-campaigns');
  clerk = await token('HB0102', ['clerk'], 'clerk-campaigns');
  approvers = {
    HB0102: await token('HB0102', ['approver'], 'approver-campaigns-basic'),
    HB01: await token('HB01', ['approver'], 'approver-campaigns-intermediate'),
    HB: await token('HB', ['approver'], 'approver-campaigns-high'),
  };
});

/** YYYY-MM-DD in Beijing, `days` from today. */
function day(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A campaign whose handling window is open now (dates as whole Beijing days). */
function campaignBody(id: string) {
  return {
    id,
    name: `测试救助活动 ${id}`,
    preparation: { start: day(-20), end: day(-11) },
    handling: { start: day(-10), end: day(40) },
    reportDue: day(52),
    standardLimitFen: 5_000_000,
    specialLimitFen: 10_000_000,
  };
}

const create = (body: unknown, tok = spc) => api('POST', '/campaigns', { token: tok, body });
const patch = (id: string, body: unknown, ifMatch?: string, tok = spc) =>
  api('PATCH', `/campaigns/${id}`, {
    token: tok,
    body,
    ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
  });

function problemOf(res: ApiResponse) {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return res.body as { code: string; errors?: { code: string; path: string }[] };
}

async function trail(id: string) {
  const res = await api('GET', `/campaigns/${id}/audit`, { token: spc });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    entries: res.body as { action: string; detail: Record<string, unknown> }[],
    chain: res.headers.get('audit-chain'),
  };
}

describe('POST /campaigns', () => {
  it('creates a campaign: whole Beijing days, the settings defaulted, ETag "v1", audited', async () => {
    const id = `c-${run}-a`;
    const body = campaignBody(id);
    const res = await create(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(res.headers.get('location')).toBe(`/campaigns/${id}`);
    expect(res.body).toEqual({
      ...body,
      preparation: {
        start: `${body.preparation.start}T00:00:00+08:00`,
        end: `${body.preparation.end}T23:59:59.999+08:00`,
      },
      handling: {
        start: `${body.handling.start}T00:00:00+08:00`,
        end: `${body.handling.end}T23:59:59.999+08:00`,
      },
      reportDue: `${body.reportDue}T23:59:59.999+08:00`,
      requireDebtor: true,
      requireTerminationChecklist: false,
      assetCheckIntervalMonths: 6,
      assetCheckYears: 5,
      // Its rulings fall after 2024-01-01: the amended law's numbering.
      rulingLegalBasis: { article: 268, item: 6 },
    });
    const read = await api('GET', `/campaigns/${id}`, { token: clerk });
    expect(read.body).toEqual(res.body);
    expect(read.headers.get('etag')).toBe('"v1"');
    const list = await api('GET', '/campaigns', { token: clerk });
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const { entries, chain } = await trail(id);
    expect(chain).toBe('valid');
    expect(entries.map((e) => e.action)).toEqual(['campaign.created']);
  });

  it('stores an instant with its offset as the same instant at +08:00, and keeps an explicit citation', async () => {
    const id = `c-${run}-instant`;
    const res = await create({
      ...campaignBody(id),
      id,
      preparation: { start: '2023-11-30T16:00:00Z', end: '2023-12-10T23:59:59+08:00' },
      handling: { start: '2023-12-11T09:30:00.250+09:00', end: '2024-01-31' },
      reportDue: '2024-02-12',
      rulingLegalBasis: { article: 257, item: 6 },
      requireDebtor: false,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.preparation.start).toBe('2023-12-01T00:00:00+08:00');
    expect(res.body.preparation.end).toBe('2023-12-10T23:59:59+08:00');
    expect(res.body.handling.start).toBe('2023-12-11T08:30:00.250+08:00');
    expect(res.body.rulingLegalBasis).toEqual({ article: 257, item: 6 });
    expect(res.body.requireDebtor).toBe(false);
  });

  it('refuses each broken rule with its own code and path, and writes nothing', async () => {
    const id = `c-${run}-bad`;
    const base = campaignBody(id);
    const cases: [string, unknown, string, string][] = [
      [
        'preparation ends before it starts',
        { ...base, preparation: { start: day(-11), end: day(-20) } },
        'PREPARATION_ENDS_BEFORE_START',
        'preparation.end',
      ],
      [
        'handling starts on the last day of preparation',
        { ...base, handling: { start: day(-11), end: day(40) } },
        'HANDLING_NOT_AFTER_PREPARATION',
        'handling.start',
      ],
      [
        'handling ends before it starts',
        {
          ...base,
          handling: { start: day(-10), end: day(-12) },
          preparation: { start: day(-30), end: day(-20) },
        },
        'HANDLING_ENDS_BEFORE_START',
        'handling.end',
      ],
      [
        'handling starts at the very instant preparation ends',
        {
          ...base,
          preparation: { start: day(-20), end: `${day(-11)}T12:00:00+08:00` },
          handling: { start: `${day(-11)}T04:00:00Z`, end: day(40) },
        },
        'HANDLING_NOT_AFTER_PREPARATION',
        'handling.start',
      ],
      [
        'report due on the last day of handling',
        { ...base, reportDue: day(40) },
        'REPORT_DUE_NOT_AFTER_HANDLING',
        'reportDue',
      ],
      [
        'special limit below the standard',
        { ...base, specialLimitFen: 4_999_999 },
        'SPECIAL_LIMIT_BELOW_STANDARD',
        'specialLimitFen',
      ],
      ['an impossible date', { ...base, reportDue: '2099-02-30' }, 'INVALID_DATE', 'reportDue'],
      [
        'an impossible instant',
        { ...base, reportDue: '2099-02-30T10:00:00+08:00' },
        'INVALID_DATE',
        'reportDue',
      ],
    ];
    for (const [what, body, code, path] of cases) {
      const res = await create(body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(422);
      const p = problemOf(res);
      expect(p.code, what).toBe('CAMPAIGN_INVALID');
      expect(p.errors, what).toEqual([expect.objectContaining({ code, path })]);
    }
    // Shape errors are the schema's: 400 VALIDATION_FAILED naming the field.
    const shape: [string, unknown, string][] = [
      ['an id with capitals and a slash', { ...base, id: 'Bad/Id' }, 'id'],
      ['a zero standard limit', { ...base, standardLimitFen: 0 }, 'standardLimitFen'],
      ['a time without an offset', { ...base, reportDue: '2099-01-01T10:00:00' }, 'reportDue'],
      ['an unknown setting', { ...base, requireMagic: true }, 'requireMagic'],
    ];
    for (const [what, body, path] of shape) {
      const res = await create(body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(
        problemOf(res).errors?.map((e) => e.path),
        what,
      ).toContain(path);
    }
    expect((await api('GET', `/campaigns/${id}`, { token: spc })).status).toBe(404);
  });

  it('refuses a taken id (409 CAMPAIGN_EXISTS) and anyone but an SPC administrator (403)', async () => {
    const taken = await create({ ...campaignBody('demo'), name: '覆盖演示活动' });
    expect(taken.status).toBe(409);
    expect(problemOf(taken).code).toBe('CAMPAIGN_EXISTS');
    expect((await api('GET', '/campaigns/demo', { token: spc })).body.name).not.toBe('覆盖演示活动');
    for (const tok of [spcClerk, highClerk, clerk]) {
      const res = await create(campaignBody(`c-${run}-forbidden`), tok);
      expect(res.status).toBe(403);
    }
    expect((await api('GET', `/campaigns/c-${run}-forbidden`, { token: spc })).status).toBe(404);
  });
});

describe('PATCH /campaigns/{campaignId}', () => {
  it('needs If-Match, refuses a stale one, and a change is visible at once, audited with before and after', async () => {
    const id = `c-${run}-patch`;
    expect((await create(campaignBody(id))).status).toBe(201);
    const missing = await patch(id, { name: '改名' });
    expect(missing.status).toBe(428);
    expect(problemOf(missing).code).toBe('IF_MATCH_REQUIRED');
    const stale = await patch(id, { name: '改名' }, '"v7"');
    expect(stale.status).toBe(409);
    expect(problemOf(stale).code).toBe('VERSION_CONFLICT');
    const invalid = await patch(id, { specialLimitFen: 1_000 }, '"v1"');
    expect(invalid.status).toBe(422);
    expect(problemOf(invalid).errors).toEqual([
      expect.objectContaining({ code: 'SPECIAL_LIMIT_BELOW_STANDARD', path: 'specialLimitFen' }),
    ]);
    const ok = await patch(id, { name: '改名后的活动', assetCheckIntervalMonths: 3 }, '"v1"');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.headers.get('etag')).toBe('"v2"');
    const read = await api('GET', `/campaigns/${id}`, { token: clerk });
    expect(read.body).toMatchObject({ name: '改名后的活动', assetCheckIntervalMonths: 3 });
    expect(read.headers.get('etag')).toBe('"v2"');
    expect((await patch(id, { name: '再改' }, '"v1"')).status).toBe(409);
    const { entries, chain } = await trail(id);
    expect(chain).toBe('valid');
    expect(entries.map((e) => e.action)).toEqual(['campaign.created', 'campaign.updated']);
    expect(entries[1]?.detail.changes).toEqual({
      name: { from: `测试救助活动 ${id}`, to: '改名后的活动' },
      assetCheckIntervalMonths: { from: 6, to: 3 },
    });
  });

  it('refuses anyone but an SPC administrator, and keeps the trail to the SPC', async () => {
    const id = `c-${run}-patch`;
    for (const tok of [spcClerk, highClerk, clerk])
      expect((await patch(id, { name: 'x' }, '"v2"', tok)).status).toBe(403);
    expect((await api('GET', `/campaigns/${id}/audit`, { token: highClerk })).status).toBe(403);
    expect((await api('GET', `/campaigns/${id}/audit`, { token: spcClerk })).status).toBe(200);
    expect((await api('GET', `/campaigns/c-${run}-none/audit`, { token: spc })).status).toBe(404);
  });
});

describe('a campaign created through the API', () => {
  const id = `c-${run}-live`;
  let appId: string;

  it('takes applications: quota allocated, created, submitted, approved level by level', async () => {
    expect((await create(campaignBody(id))).status).toBe(201);
    const quota = await api('PUT', `/campaigns/${id}/quotas/HB`, {
      token: spc,
      body: { allocatedFen: 50_000_000 },
    });
    expect(quota.status, JSON.stringify(quota.body)).toBe(200);
    // A campaign made through the API requires the debtor (requireDebtor defaults to true).
    const debtors = [
      {
        name: '武汉某建筑劳务有限公司',
        kind: 'legal',
        idType: 'unified-social-credit-code',
        idNumber: '91110108551385082Q',
      },
    ];
    const body = { ...applicationBody({ courtPrefix: PREFIX }), campaignId: id, debtors };
    body.case.claimAmountFen = 4_000_000;
    body.reliefAmountFen = 3_500_000;
    const created = await api('POST', '/applications', { token: clerk, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    appId = created.body.id;
    await uploadAllDocuments(appId, clerk);
    const submitted = await api('POST', `/applications/${appId}/submit`, { token: clerk, body: form });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    for (const court of ['HB0102', 'HB01', 'HB'] as const) {
      await eventually(
        async () => (await api('GET', `/applications/${appId}`, { token: clerk })).body.pendingAt === court,
        `pending at ${court}`,
      );
      const res = await api('POST', `/applications/${appId}/decisions`, {
        token: approvers[court],
        body: { decision: 'approve', comment: '同意' },
      });
      expect(res.status, `${court}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const quotaAfter = await api('GET', `/campaigns/${id}/quotas/HB`, { token: spc });
    expect(quotaAfter.body.reservedFen + quotaAfter.body.disbursedFen).toBe(3_500_000);
  });

  it('cannot lower a limit below a claim already approved (409 LIMIT_BELOW_APPROVED), down to it it can', async () => {
    const current = await api('GET', `/campaigns/${id}`, { token: spc });
    const etag = current.headers.get('etag') as string;
    const below = await patch(id, { standardLimitFen: 3_999_999 }, etag);
    expect(below.status, JSON.stringify(below.body)).toBe(409);
    expect(problemOf(below).code).toBe('LIMIT_BELOW_APPROVED');
    expect(problemOf(below).errors).toEqual([expect.objectContaining({ path: 'standardLimitFen' })]);
    const both = await patch(id, { standardLimitFen: 3_000_000, specialLimitFen: 3_000_000 }, etag);
    expect(
      problemOf(both)
        .errors?.map((e) => e.path)
        .sort(),
    ).toEqual(['specialLimitFen', 'standardLimitFen']);
    expect((await api('GET', `/campaigns/${id}`, { token: spc })).body).toEqual(current.body);
    expect((await trail(id)).entries).toHaveLength(1);
    const atClaim = await patch(id, { standardLimitFen: 4_000_000, specialLimitFen: 4_000_000 }, etag);
    expect(atClaim.status, JSON.stringify(atClaim.body)).toBe(200);
  });

  it('its ruling cites the campaign’s legal basis once paid', async () => {
    await eventually(
      async () => (await api('GET', `/applications/${appId}`, { token: clerk })).body.status === 'paid',
      'paid',
      300,
    );
    const ruling = await api('GET', `/applications/${appId}/ruling`, { token: clerk });
    expect(ruling.status).toBe(200);
    expect(ruling.body.text).toContain(
      '依照《中华人民共和国民事诉讼法》第二百六十八条第六项之规定，裁定如下：本案终结执行。',
    );
    expect(ruling.body.text).not.toContain('第二百五十七条');
  });
});
