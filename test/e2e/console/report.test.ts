import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, token, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import { checkPage, eventually, launchChromium, signIn } from './browser.ts';

/**
 * The report page as a high court sees it, in a real browser: its courts (byCourt: sortable, amounts in
 * yuan), the narrative of effects written and saved, the written report (.docx) downloaded, and once
 * the report is frozen a second save refused in words. 海南省高级人民法院 (HI) and two courts of 海口
 * (HI0105 秀英区, HI0106 龙华区), which no other suite uses, in the demo campaign: two cases wait at
 * HI0105 and one at HI0106, so sorting by 审批中 has something to order.
 */

const CAMPAIGN = 'demo';
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '经办法官' } };
const EFFECTS = '海南辖区通过司法救助与保险救助衔接，帮助困难申请执行人渡过难关。';

let browser: Browser;
let page: Page;

async function submitted(court: string, prefix: string): Promise<void> {
  const clerk = await token(court, ['clerk'], `clerk-${court.toLowerCase()}`);
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: prefix }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await uploadAllDocuments(created.body.id, clerk);
  const res = await api('POST', `/applications/${created.body.id}/submit`, { token: clerk, body: form });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

/** The byCourt table's court codes, top to bottom. */
const courtOrder = () =>
  page.locator('[data-court-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-court-row')));

beforeAll(async () => {
  browser = await launchChromium();
  await submitted('HI0105', '琼0105');
  await submitted('HI0105', '琼0105');
  await submitted('HI0106', '琼0106');
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
    expect(await cells('HI0105')).toEqual(['海南省海口市秀英区人民法院', '0', '0', '0.00', '2', '0', '0']);
    expect((await cells('HI0106'))[4]).toBe('1');

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
    await page.getByLabel('取得的效果（至多 4000 字）').fill(`${EFFECTS}（补充）`);
    await narrative.getByRole('button', { name: '保存' }).click();
    const alert = narrative.getByRole('alert');
    await eventually(() => alert.textContent()).toContain('报表已封存。');
    expect(await alert.textContent()).toContain('REPORT_ALREADY_FROZEN');
    expect(
      (await api('GET', `/campaigns/${CAMPAIGN}/reports`, { token: spc })).body.byHighCourt.find(
        (r: { highCourtCode: string }) => r.highCourtCode === 'HI',
      ).effects,
    ).toBe(EFFECTS);
    await checkPage(page, 'report-narrative-frozen');
  }, 90_000);
});
