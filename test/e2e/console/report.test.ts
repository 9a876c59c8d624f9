import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duration } from '../../../web/src/lib/format.ts';
import { api, baseUrl, token, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import { checkPage, eventually, launchChromium, signIn } from './browser.ts';

/**
 * The report page as a high court sees it, in a real browser: its courts (byCourt: sortable, amounts in
 * yuan), the narrative of effects written and saved, a save against a newer version refused in words with the other's text offered, the written report (.docx) downloaded, and once
 * the report is frozen a second save refused in words. 海南省高级人民法院 (HI) and two courts of 海口
 * (HI0105 秀英区, HI0106 龙华区), which no other suite uses, in the demo campaign: two cases wait at
 * HI0105 and one at HI0106, so sorting by 审批中 has something to order.
 */

const CAMPAIGN = 'demo';
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '经办法官' } };
const EFFECTS = '海南辖区通过司法救助与保险救助衔接，帮助困难申请执行人渡过难关。';
const THEIRS = '最高法汇总时补充：海南辖区救助工作及时有效。';
const MINE = `${EFFECTS}（修订：补充回访情况）`;

let browser: Browser;
let page: Page;

async function submitted(
  court: string,
  prefix: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const clerk = await token(court, ['clerk'], `clerk-${court.toLowerCase()}`);
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: prefix }),
    headers,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await uploadAllDocuments(created.body.id, clerk);
  const res = await api('POST', `/applications/${created.body.id}/submit`, {
    token: clerk,
    body: form,
    headers,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return created.body.id;
}

interface ApprovalTime {
  level: string;
  decided: number;
  meanHours: number;
  p90Hours: number | null;
  overLimit: number;
}

/** The byCourt table's court codes, top to bottom. */
const courtOrder = () =>
  page.locator('[data-court-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-court-row')));

beforeAll(async () => {
  browser = await launchChromium();
  const first = await submitted('HI0105', '琼0105');
  await submitted('HI0105', '琼0105');
  // 龙华区's case was submitted fifteen days ago (the local runner's clock shift, local mode only):
  // decided now, it is past the level's 14 days, so the report has an over-limit decision to mark.
  const late = await submitted('HI0106', '琼0106', { 'X-Relief-Local-Clock-Shift': String(-15 * 24 * 3600) });
  // One decision at 秀英区 (a basic court): the report's approval times have a wait to show.
  const basic = await token('HI0105', ['approver'], 'approver-xiuying');
  const decided = await api('POST', `/applications/${first}/decisions`, {
    token: basic,
    body: { decision: 'approve', comment: '同意' },
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  const overdue = await api('POST', `/applications/${late}/decisions`, {
    token: await token('HI0106', ['approver'], 'approver-longhua'),
    body: { decision: 'approve', comment: '同意' },
  });
  expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the report page of a high court', () => {
  it('shows its courts, saves the narrative, downloads the written report, and refuses a save once frozen', async () => {
    page = await signIn(browser, 'HI', ['approver'], 'approver-hainan');
    await page.getByRole('link', { name: '活动报表' }).click();
    await page.waitForURL(/\/console\/reports/);
    await page.goto(`${baseUrl()}/console/reports?campaign=${CAMPAIGN}`);
    const detail = page.getByTestId('report-detail');
    await eventually(() => detail.getAttribute('data-high-court')).toBe('HI');
    // Only its own high court (the API scopes it): one row above, its two courts below.
    expect(await page.locator('[data-report-row]').count()).toBe(1);
    await eventually(() => page.locator('[data-court-row]').count()).toBe(2);
    const cells = async (court: string) =>
      (await page.locator(`[data-court-row="${court}"] td`).allTextContents()).map((c) => c.trim());
    // The figures are the JSON report's (as this approver reads it), approval times in words.
    const own = await api('GET', `/campaigns/${CAMPAIGN}/reports`, {
      token: await token('HI', ['approver'], 'approver-hainan'),
    });
    const hi = own.body.byHighCourt[0] as {
      approvalTimes: ApprovalTime[];
      byCourt: { courtCode: string; approvalTimes: ApprovalTime[] }[];
    };
    const xiuying = hi.byCourt.find((c) => c.courtCode === 'HI0105')?.approvalTimes ?? [];
    expect(xiuying.map((t) => [t.level, t.decided, t.overLimit])).toEqual([['basic', 1, 0]]);
    const basicWait = xiuying[0] as ApprovalTime;
    expect(await cells('HI0105')).toEqual([
      '海南省海口市秀英区人民法院',
      '0',
      '0',
      '0.00',
      '2',
      '0',
      '0',
      `基层人民法院：1 件，平均 ${duration(basicWait.meanHours, 'zh')}`,
      '0',
    ]);
    const longhua = hi.byCourt.find((c) => c.courtCode === 'HI0106')?.approvalTimes ?? [];
    expect(longhua.map((t) => [t.level, t.decided, t.overLimit, t.p90Hours])).toEqual([
      ['basic', 1, 1, null],
    ]);
    expect((await cells('HI0106')).slice(4)).toEqual([
      '1',
      '0',
      '0',
      `基层人民法院：1 件，平均 ${duration((longhua[0] as ApprovalTime).meanHours, 'zh')}`,
      '超时 1 件',
    ]);
    expect(duration((longhua[0] as ApprovalTime).meanHours, 'zh')).toMatch(/^15天/);
    // 审批用时 of the high court and of the totals (its own, for a high court): a row per level.
    for (const testId of ['report-detail-approval-times', 'report-approval-times']) {
      const table = page.getByTestId(testId);
      expect(await table.locator('[data-level]').count(), testId).toBe(hi.approvalTimes.length);
      for (const t of hi.approvalTimes) {
        const row = table.locator(`[data-level="${t.level}"]`);
        expect(await row.getAttribute('data-mean-hours')).toBe(String(t.meanHours));
        expect((await row.locator('td').allTextContents()).map((c) => c.trim())).toEqual([
          (
            { basic: '基层人民法院', intermediate: '中级人民法院', high: '高级人民法院' } as Record<
              string,
              string
            >
          )[t.level],
          String(t.decided),
          duration(t.meanHours, 'zh'),
          t.p90Hours === null ? '超过14天' : `${duration(t.p90Hours, 'zh')}以内`,
          t.overLimit > 0 ? `超时 ${t.overLimit} 件` : '0',
        ]);
      }
    }
    expect(hi.approvalTimes.map((t) => [t.level, t.decided, t.p90Hours, t.overLimit])).toEqual([
      ['basic', 2, null, 1],
    ]);
    expect(
      (await page.locator('[data-report-row="HI"] td').allTextContents()).slice(-2).map((c) => c.trim()),
    ).toEqual(['2', '超时 1 件']);

    // Sortable: 审批中 descending puts 秀英区 (2) first, ascending 龙华区 (1).
    const pendingHeader = detail.locator('th', { hasText: '审批中' });
    await pendingHeader.click();
    await eventually(courtOrder).toEqual(['HI0105', 'HI0106']);
    expect(await pendingHeader.getAttribute('aria-sort')).toBe('descending');
    await pendingHeader.click();
    await eventually(courtOrder).toEqual(['HI0106', 'HI0105']);
    expect(await pendingHeader.getAttribute('aria-sort')).toBe('ascending');

    // The narrative: empty, written, saved (version 1), shown, and stored.
    const narrative = page.getByTestId('report-narrative');
    expect(await narrative.getByTestId('narrative-text').textContent()).toBe('尚未填写。');
    await narrative.getByRole('button', { name: '编辑取得的效果' }).click();
    await page.getByLabel('取得的效果（至多 4000 字）').fill(EFFECTS);
    await narrative.getByRole('button', { name: '保存' }).click();
    await eventually(() => narrative.getByRole('status').textContent()).toBe('已保存（第 1 版）。');
    await eventually(() => narrative.getByTestId('narrative-text').textContent()).toBe(EFFECTS);
    const spc = await token('SPC', ['spc-admin'], 'spc-report-reader');
    const report = await api('GET', `/campaigns/${CAMPAIGN}/reports`, { token: spc });
    const hainan = report.body.byHighCourt.find((r: { highCourtCode: string }) => r.highCourtCode === 'HI');
    expect(hainan.effects).toBe(EFFECTS);
    await checkPage(page, 'report-high-court');

    // Someone else saves while this page edits: the page's save (If-Match "v1") is refused in words,
    // their text offered, the draft kept, nothing changed; then the editor saves over theirs.
    const label = '取得的效果（至多 4000 字）';
    await eventually(() => narrative.getAttribute('data-version')).toBe('1');
    await narrative.getByRole('button', { name: '编辑取得的效果' }).click();
    await page.getByLabel(label).fill(MINE);
    const other = await api('PUT', `/campaigns/${CAMPAIGN}/reports/narratives/HI`, {
      token: spc,
      body: { effects: THEIRS },
      headers: { 'if-match': '"v1"' },
    });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    await narrative.getByRole('button', { name: '保存' }).click();
    const conflict = narrative.getByTestId('narrative-conflict');
    await eventually(() => conflict.getByTestId('narrative-theirs').textContent()).toBe(THEIRS);
    const words = (await conflict.getByRole('alert').textContent()) ?? '';
    expect(words).toContain('您编辑期间，他人已保存了新的版本（第 2 版，');
    expect(words).toContain('VERSION_CONFLICT');
    expect(words).not.toContain('{');
    expect(await page.getByLabel(label).inputValue()).toBe(MINE);
    const stored = async () =>
      (await api('GET', `/campaigns/${CAMPAIGN}/reports`, { token: spc })).body.byHighCourt.find(
        (r: { highCourtCode: string }) => r.highCourtCode === 'HI',
      );
    expect([(await stored()).effects, (await stored()).effectsVersion]).toEqual([THEIRS, 2]);
    await checkPage(page, 'report-narrative-conflict');
    await conflict.getByRole('button', { name: '以我的修改覆盖他人的版本' }).click();
    await eventually(() => narrative.getByRole('status').textContent()).toBe('已保存（第 3 版）。');
    await eventually(() => narrative.getByTestId('narrative-text').textContent()).toBe(MINE);
    expect((await stored()).effects).toBe(MINE);

    // The written report of this high court: a Word document (a zip), named as the API names it.
    const [response, download] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/reports/summary?highCourtCode=HI')),
      page.waitForEvent('download'),
      detail.getByRole('button', { name: '下载书面报告（Word）' }).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('word/document.xml'))).toBe(true);

    // Frozen (by the high court, through the API): the next save is refused, in words and by its code.
    const high = await token('HI', ['approver'], 'approver-hainan');
    const frozen = await api('POST', `/campaigns/${CAMPAIGN}/reports/HI/freeze`, {
      token: high,
      headers: { 'Idempotency-Key': `freeze-hi-${Date.now()}` },
    });
    expect(frozen.status, JSON.stringify(frozen.body)).toBe(201);
    await narrative.getByRole('button', { name: '编辑取得的效果' }).click();
    await page.getByLabel(label).fill(`${EFFECTS}（补充）`);
    await narrative.getByRole('button', { name: '保存' }).click();
    const alert = narrative.getByRole('alert');
    await eventually(() => alert.textContent()).toContain('报表已封存。');
    expect(await alert.textContent()).toContain('REPORT_ALREADY_FROZEN');
    expect(
      (await api('GET', `/campaigns/${CAMPAIGN}/reports`, { token: spc })).body.byHighCourt.find(
        (r: { highCourtCode: string }) => r.highCourtCode === 'HI',
      ).effects,
    ).toBe(MINE);
    await checkPage(page, 'report-narrative-frozen');
  }, 90_000);
});
