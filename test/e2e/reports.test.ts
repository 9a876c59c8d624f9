import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** A mixed campaign in `demo-b` (nothing else uses it): paid, paid twice in one case, declined, rejected, resumed. */
const CAMPAIGN = 'demo-b';
const form = { approvalForm: { reviewOpinion: '同意', reviewedBy: '赵法官' } };
const RELIEF = 2_000_000;
let clerk: string;
let basic: string;
let high: string;
let spc: string;

async function run(opts: { caseNumber: string; sequence: string; account?: string; reject?: boolean }) {
  const body = {
    ...applicationBody({ caseNumber: opts.caseNumber, sequence: opts.sequence }),
    campaignId: CAMPAIGN,
  };
  body.reliefAmountFen = RELIEF;
  body.case.claimAmountFen = RELIEF;
  if (opts.account) body.bankAccount.accountNumber = opts.account;
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
  if (opts.reject) {
    await api('POST', `/applications/${id}/decisions`, {
      token: basic,
      body: { decision: 'reject', comment: '不符合困难条件' },
    });
    return id;
  }
  await api('POST', `/applications/${id}/decisions`, { token: basic, body: { decision: 'approve' } });
  await api('POST', `/applications/${id}/decisions`, { token: high, body: { decision: 'approve' } });
  const want = opts.account?.endsWith('0000') ? 'declined' : 'paid';
  await eventually(
    async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === want,
    want,
  );
  return id;
}

async function report(tok = spc) {
  return api('GET', `/campaigns/${CAMPAIGN}/reports`, { token: tok });
}

const tjRow = (r: { body: { byHighCourt: { highCourtCode: string }[] } }) =>
  r.body.byHighCourt.find((x) => x.highCourtCode === 'TJ') as Record<string, unknown>;

let firstPaid: string;

beforeAll(async () => {
  clerk = await token('TJ0104', ['clerk'], 'clerk-report');
  basic = await token('TJ0104', ['approver'], 'approver-report-basic');
  high = await token('TJ', ['approver'], 'approver-report-high');
  spc = await token('SPC', ['spc-admin'], 'spc-report');
  firstPaid = await run({ caseNumber: '(2024)津0104执501号', sequence: '501' });
  await run({ caseNumber: '(2024)津0104执501号', sequence: '502' }); // same case, second person
  await run({ caseNumber: '(2024)津0104执502号', sequence: '501' }); // same person, second case
  await run({ caseNumber: '(2024)津0104执503号', sequence: '503', account: '6222020200112230000' });
  await run({ caseNumber: '(2024)津0104执504号', sequence: '504', reject: true });
  await api('POST', `/applications/${firstPaid}/closure`, {
    token: clerk,
    body: { rulingNumber: '(2024)津0104执恢1号', issuedAt: new Date().toISOString() },
  });
  await api('POST', `/applications/${firstPaid}/resumptions`, {
    token: clerk,
    body: { reason: 'evasion', basis: '转移财产', amountFen: RELIEF },
  });
  await api('POST', `/applications/${firstPaid}/recoveries`, {
    token: clerk,
    body: { amountFen: 500_000, receivedAt: '2026-11-25', reference: 'R-9' },
  });
}, 120_000);

describe('campaign report', () => {
  it('counts distinct cases and persons paid, amounts, pending, rejected, declined, recoveries and quota use', async () => {
    const res = await report();
    expect(res.status).toBe(200);
    expect(tjRow(res)).toMatchObject({
      cases: 2,
      persons: 2,
      amountFen: 3 * RELIEF,
      paid: 3,
      pending: 0,
      rejected: 1,
      declined: 1,
      resumed: 1,
      recoveredFen: 500_000,
      byCategory: expect.objectContaining({ 'labor-remuneration': { paid: 3, amountFen: 3 * RELIEF } }),
      quota: expect.objectContaining({ disbursedFen: 3 * RELIEF, reservedFen: 0 }),
    });
    expect(res.body.totals).toMatchObject({
      cases: 2,
      persons: 2,
      amountFen: 3 * RELIEF,
      rejected: 1,
      declined: 1,
    });
    expect(res.body.byHighCourt).toHaveLength(32);
    expect(tjRow(res).byCourt).toEqual([
      expect.objectContaining({
        courtCode: 'TJ0104',
        cases: 2,
        persons: 2,
        amountFen: 3 * RELIEF,
        paid: 3,
        rejected: 1,
        declined: 1,
        resumed: 1,
        recoveredFen: 500_000,
        byCategory: expect.objectContaining({ 'labor-remuneration': { paid: 3, amountFen: 3 * RELIEF } }),
      }),
    ]);
    expect(res.body.reconciliation).toMatchObject({ consistent: true, differences: [] });
  });

  it('shows a high court only its own row and refuses lower courts', async () => {
    const own = await report(high);
    expect(own.body.byHighCourt.map((r: { highCourtCode: string }) => r.highCourtCode)).toEqual(['TJ']);
    expect((await report(clerk)).status).toBe(403);
  });

  it('exports CSV with Chinese headers and an .xlsx workbook', async () => {
    const csv = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports`, {
      headers: { authorization: `Bearer ${spc}`, accept: 'text/csv' },
    });
    const text = await csv.text();
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(text).toContain('高级人民法院代码,高级人民法院,救助案件数,救助人数,发放救助金额（元）');
    expect(text).toContain('TJ,天津市高级人民法院,2,2,60000.00,3,0,1,1,1,5000.00');
    const xlsx = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports`, {
      headers: {
        authorization: `Bearer ${spc}`,
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.getWorksheet('汇总');
    const values: unknown[][] = [];
    sheet?.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values.find((r) => r[0] === 'TJ')?.slice(0, 5)).toEqual(['TJ', '天津市高级人民法院', 2, 2, 60000]);
  });

  it('freezes a report once; later events show as differences, never as changes', async () => {
    const frozen = await api('POST', `/campaigns/${CAMPAIGN}/reports/TJ/freeze`, { token: high });
    expect(frozen.status).toBe(201);
    expect(frozen.body.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await api('POST', `/campaigns/${CAMPAIGN}/reports/TJ/freeze`, { token: high })).status).toBe(409);
    expect((await api('POST', `/campaigns/${CAMPAIGN}/reports/BJ/freeze`, { token: high })).status).toBe(403);
    await run({ caseNumber: '(2024)津0104执505号', sequence: '505' });
    const after = await api('GET', `/campaigns/${CAMPAIGN}/reports/TJ/frozen`, { token: spc });
    expect(after.body.hash).toBe(frozen.body.hash);
    expect(after.body.hashValid).toBe(true);
    expect(after.body.report.cases).toBe(2);
    expect(after.body.differences).toEqual(expect.arrayContaining([{ field: 'cases', frozen: 2, live: 3 }]));
  });
});

describe('batch eligibility (screening)', () => {
  it('checks up to 1,000 candidates without persisting anything, each with every failure code', async () => {
    const good = applicationBody();
    const bad = applicationBody();
    bad.consentToTermination = false;
    bad.case.caseNumber = '（2024）京0105执保1号';
    const { campaignId: _c, ...goodCandidate } = good;
    const { campaignId: _d, ...badCandidate } = bad;
    const bj = await token('BJ0105', ['clerk'], 'clerk-screen');
    const before = await api('GET', '/applications?limit=200', { token: bj });
    const res = await api('POST', '/eligibility-checks', {
      token: bj,
      body: { campaignId: 'demo', candidates: [goodCandidate, badCandidate, { case: 'nonsense' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ total: 3, eligible: 1, ineligible: 2 });
    expect(res.body.results[1].failures.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining(['NO_CONSENT', 'PRESERVATION_CASE']),
    );
    expect(res.body.results[2].failures.length).toBeGreaterThan(0);
    const after = await api('GET', '/applications?limit=200', { token: bj });
    expect(after.body.items.length).toBe(before.body.items.length);
    const tooMany = await api('POST', '/eligibility-checks', {
      token: bj,
      body: { campaignId: 'demo', candidates: Array(1001).fill(goodCandidate) },
    });
    expect([400, 413]).toContain(tooMany.status);
  });
});
