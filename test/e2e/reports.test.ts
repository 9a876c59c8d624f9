import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';
import { docxContent } from '../support/docx.ts';

/** A mixed campaign in `demo-b` (nothing else uses it): paid, paid twice in one case, declined, rejected, resumed. */
const CAMPAIGN = 'demo-b';
const form = { approvalForm: { reviewOpinion: '同意', reviewedBy: '赵法官' } };
const RELIEF = 2_000_000;
const EFFECTS = '救助困难群众二人，化解信访隐患一件，群众满意。';
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
    expect(text).toContain(
      '高级人民法院代码,高级人民法院,法院代码,法院,救助案件数,救助人数,发放救助金额（元）',
    );
    expect(text).toContain('TJ,天津市高级人民法院,,辖区合计,2,2,60000.00,3,0,1,1,1,5000.00');
    // byCourt: the executing court's own row follows its high court's.
    expect(text).toContain(
      'TJ,天津市高级人民法院,TJ0104,天津市南开区人民法院,2,2,60000.00,3,0,1,1,1,5000.00',
    );
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
    const byCourt = book.getWorksheet('按法院') as ExcelJS.Worksheet;
    const nankai = byCourt.getRow(2);
    expect((nankai.values as unknown[]).slice(1, 7)).toEqual([
      'TJ',
      '天津市高级人民法院',
      'TJ0104',
      '天津市南开区人民法院',
      2,
      2,
    ]);
    expect([nankai.getCell(7).value, nankai.getCell(7).numFmt]).toEqual([60000, '#,##0.00']);
  });

  it('records the high court’s narrative of effects (its approvers or the SPC), shown in its report row', async () => {
    const path = `/campaigns/${CAMPAIGN}/reports/narratives/TJ`;
    expect((await api('PUT', path, { token: clerk, body: { effects: EFFECTS } })).status).toBe(403);
    expect((await api('PUT', path, { token: high, body: { effects: 'x'.repeat(4001) } })).status).toBe(400);
    const put = await api('PUT', path, { token: high, body: { effects: '初稿' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.headers.get('etag')).toBe('"v1"');
    expect(put.body).toMatchObject({ highCourtCode: 'TJ', effects: '初稿', version: 1 });
    const stale = await api('PUT', path, {
      token: spc,
      body: { effects: EFFECTS },
      headers: { 'if-match': '"v0"' },
    });
    expect([stale.status, stale.body.code]).toEqual([409, 'VERSION_CONFLICT']);
    const second = await api('PUT', path, {
      token: spc,
      body: { effects: EFFECTS },
      headers: { 'if-match': '"v1"' },
    });
    expect(second.status).toBe(200);
    expect(tjRow(await report(high))).toMatchObject({
      effects: EFFECTS,
      effectsUpdatedAt: second.body.updatedAt,
    });
    // The exports carry it too: the CSV's jurisdiction row and the workbook's 取得的效果 sheet.
    const csv = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports`, {
      headers: { authorization: `Bearer ${high}`, accept: 'text/csv' },
    });
    expect(await csv.text()).toContain(`,${EFFECTS},`);
    const xlsx = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports`, {
      headers: {
        authorization: `Bearer ${high}`,
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const effects = book.getWorksheet('取得的效果') as ExcelJS.Worksheet;
    expect((effects.getRow(2).values as unknown[]).slice(1, 4)).toEqual([
      'TJ',
      '天津市高级人民法院',
      EFFECTS,
    ]);
    expect(effects.getRow(2).getCell(4).value).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）$/);
  });

  it('carries each narrative’s version, so two saves from the same reading cannot both land: the second is 409 VERSION_CONFLICT and changes nothing', async () => {
    // 新疆 (XJ) in demo-b: no other test writes its narrative.
    const path = `/campaigns/${CAMPAIGN}/reports/narratives/XJ`;
    const xj = async () =>
      (await report()).body.byHighCourt.find((r: { highCourtCode: string }) => r.highCourtCode === 'XJ');
    const read = await xj();
    expect([read.effects, read.effectsVersion]).toEqual([null, 0]);
    const ifMatch = `"v${read.effectsVersion}"`;
    const approver = await token('XJ', ['approver'], 'approver-report-xj');
    const first = await api('PUT', path, {
      token: approver,
      body: { effects: '新疆辖区的效果。' },
      headers: { 'if-match': ifMatch },
    });
    expect([first.status, first.headers.get('etag')], JSON.stringify(first.body)).toEqual([200, '"v1"']);
    const second = await api('PUT', path, {
      token: spc,
      body: { effects: '另一人同时写的效果。' },
      headers: { 'if-match': ifMatch },
    });
    expect([second.status, second.body.code]).toEqual([409, 'VERSION_CONFLICT']);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    const after = await xj();
    expect([after.effects, after.effectsVersion, after.effectsUpdatedAt]).toEqual([
      '新疆辖区的效果。',
      1,
      first.body.updatedAt,
    ]);
  });

  it('writes the written report (.docx) whose figures are the JSON report’s, with a Chinese file name (RFC 5987)', async () => {
    const json = tjRow(await report(high)) as {
      cases: number;
      persons: number;
      amountFen: number;
      byCourt: { name: string; cases: number; persons: number; amountFen: number; paid: number }[];
      approvalTimes: {
        level: string;
        decided: number;
        totalHours: number;
        meanHours: number;
        p90Hours: number | null;
        overLimit: number;
      }[];
    };
    // Every decision's wait at its level: TJ0104 reports straight to the high court (direct route).
    expect(json.approvalTimes.map((t) => [t.level, t.decided])).toEqual([
      ['basic', 5],
      ['high', 4],
    ]);
    const res = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports/summary?highCourtCode=TJ`, {
      headers: { authorization: `Bearer ${high}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.docx"; filename\*=UTF-8''/);
    const encoded = disposition.split("filename*=UTF-8''")[1] ?? '';
    expect(encoded).toMatch(/^[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
    expect(decodeURIComponent(encoded)).toMatch(/^天津市高级人民法院.+书面报告\.docx$/);
    const { paragraphs, tables } = docxContent(Buffer.from(await res.arrayBuffer()));
    const yuan = (fen: number) => (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
    expect(
      paragraphs.some((p) =>
        p.includes(`共救助案件${json.cases}件，救助${json.persons}人，发放救助金额${yuan(json.amountFen)}元`),
      ),
    ).toBe(true);
    expect(paragraphs).toContain(EFFECTS);
    const byCourt = tables[1] ?? [];
    for (const court of json.byCourt)
      expect(byCourt).toContainEqual(
        expect.arrayContaining([
          court.name,
          String(court.cases),
          String(court.persons),
          yuan(court.amountFen),
        ]),
      );
    expect(byCourt.at(-1)?.slice(0, 4)).toEqual([
      '合计',
      String(json.cases),
      String(json.persons),
      yuan(json.amountFen),
    ]);
    // 审批用时: the docx table's figures are the JSON report's.
    const tier: Record<string, string> = { basic: '基层人民法院', high: '高级人民法院' };
    expect(tables[2]?.slice(1)).toEqual(
      json.approvalTimes.map((t) => [
        tier[t.level],
        String(t.decided),
        t.totalHours.toFixed(1),
        t.meanHours.toFixed(1),
        t.p90Hours === null ? '超过336' : String(t.p90Hours),
        String(t.overLimit),
      ]),
    );
    // The national report is the SPC's; another high court's is not found; below the high courts, never.
    const national = await fetch(`${baseUrl()}/campaigns/${CAMPAIGN}/reports/summary`, {
      headers: { authorization: `Bearer ${spc}` },
    });
    expect(national.status).toBe(200);
    const totals = (await report()).body.totals;
    expect(
      docxContent(Buffer.from(await national.arrayBuffer())).paragraphs.some((p) =>
        p.includes(`全国法院共救助案件${totals.cases}件，救助${totals.persons}人`),
      ),
    ).toBe(true);
    expect((await api('GET', `/campaigns/${CAMPAIGN}/reports/summary`, { token: high })).status).toBe(403);
    expect(
      (await api('GET', `/campaigns/${CAMPAIGN}/reports/summary?highCourtCode=BJ`, { token: high })).status,
    ).toBe(404);
    expect(
      (await api('GET', `/campaigns/${CAMPAIGN}/reports/summary?highCourtCode=TJ`, { token: clerk })).status,
    ).toBe(403);
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
    // The frozen copy carries the narrative under its hash; writing it afterwards is refused.
    expect(after.body.report.effects).toBe(EFFECTS);
    const late = await api('PUT', `/campaigns/${CAMPAIGN}/reports/narratives/TJ`, {
      token: spc,
      body: { effects: '冻结后改写' },
    });
    expect([late.status, late.body.code]).toEqual([409, 'REPORT_ALREADY_FROZEN']);
    expect(tjRow(await report()).effects).toBe(EFFECTS);
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
