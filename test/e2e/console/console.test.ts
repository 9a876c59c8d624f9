import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '../../support/api.ts';
import { noticeClosingReason, noticeRulingParagraph } from '../../support/seed.ts';
import { checkPage, choose, eventually, launchChromium } from './browser.ts';

/**
 * The console in a real browser (Debian's chromium through playwright-core) against the e2e stack:
 * a clerk of 海淀法院 (BJ0108, route BJ0108 → BJ01 → BJ) signs in, creates an application with live
 * eligibility, uploads the six materials, submits; the approver of each level decides; the insurer
 * simulator pays; the clerk sees it paid. A clerk of another court cannot open it. Every page visited
 * passes axe (no serious or critical violation) and is saved as test-results/console/<page>.png.
 */

const ID = '110108199001011234'.slice(0, 17);
// A valid resident ID of Haidian (check digit computed by GB 11643's MOD 11-2).
const APPLICANT_ID = `${ID}${checkDigit(ID)}`;
const WRONG_CHECK_DIGIT = `${ID}${checkDigit(ID) === '0' ? '1' : '0'}`;
const CASE_NUMBER = `(2024)京0108执${10000 + Math.floor(Math.random() * 89999)}号`;
const ACCOUNT = '6222020200118877665';
const CAMPAIGN_ID = `console-${Date.now().toString(36)}`;
const RULING_NUMBER = `${CASE_NUMBER.replace('号', '')}之一号`;

function checkDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return '10X98765432'.charAt(sum % 11);
}

let browser: Browser;
const contexts: BrowserContext[] = [];
let applicationUrl = '';

async function signedIn(court: string, roles: string[], sub: string, check = false): Promise<Page> {
  // One context per person: each has its own sessionStorage, as separate browsers would.
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Europe/London' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${baseUrl()}/`);
  await page.waitForURL(/\/console\/sign-in/);
  await choose(page, page.getByLabel('法院').first(), `（${court}）`, court);
  for (const role of ['书记员（经办）', '审批人', '最高法管理员']) {
    const box = page.getByRole('checkbox', { name: role });
    const want = roles.includes(
      { '书记员（经办）': 'clerk', 审批人: 'approver', 最高法管理员: 'spc-admin' }[role] ?? '',
    );
    if ((await box.isChecked()) !== want) await box.click();
  }
  await page.getByLabel('用户标识').fill(sub);
  if (check) await checkPage(page, 'sign-in');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/console\/applications/);
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

describe('the console', () => {
  it('keeps the first load small: the entry and its static imports', () => {
    const dist = new URL('../../../web/dist/', import.meta.url);
    const html = readFileSync(new URL('index.html', dist), 'utf8');
    const files = [...html.matchAll(/\/console\/(assets\/[^"]+\.js)/g)].map((m) => m[1] as string);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(new URL(f, dist))).length, 0);
    expect(files.length).toBeGreaterThan(0);
    // Pages, forms and tables are chunks of their own; the entry is React, the router, the query client
    // and antd's provider (about 160 KB gzipped).
    expect(gzipped).toBeLessThan(200 * 1024);
  });

  it('a clerk signs in and creates an application, with inline validation and live eligibility', async () => {
    const page = await signedIn('BJ0108', ['clerk'], 'clerk-haidian', true);
    await eventually(() => page.getByTestId('signed-in-as').textContent()).toContain('北京市海淀区人民法院');
    await checkPage(page, 'applications-list');

    await page.getByRole('link', { name: '新建申请' }).click();
    await page.waitForURL(/\/console\/applications\/new/);
    await eventually(() => page.getByLabel('救助活动').isVisible()).toBe(true);
    // Typed: other e2e files create campaigns, and a long list is virtual (options re-mount as it scrolls).
    await choose(page, page.getByLabel('救助活动'), '演示救助活动（本地）', '演示救助活动（本地）');
    await page.getByLabel('案号').fill('(2024)京0105执1号');
    await eventually(() => page.getByText('案号的法院代字应为本院的 京0108').count()).toBe(1);
    await page.getByLabel('案号').fill(CASE_NUMBER);
    await choose(page, page.getByLabel('案件类型'), '追索劳动报酬');
    await page.getByLabel('申请执行标的金额（元）').fill('30000');
    await page.getByLabel('救助金额（元）').fill('30000.5');
    await page.getByLabel('终本依据').fill('经财产调查未发现可供执行财产');
    await page.getByLabel('申请执行人姓名').fill('王五');
    await page.getByLabel('证件号码', { exact: true }).fill(WRONG_CHECK_DIGIT);
    await eventually(() => page.getByText('身份证号码校验位错误').count()).toBeGreaterThan(0);
    await eventually(() => page.getByText('救助金额不能超过申请执行标的金额').count()).toBe(1);
    await page.getByLabel('证件号码', { exact: true }).fill(APPLICANT_ID);
    await page.getByLabel('救助金额（元）').fill('30000');
    await page.getByLabel('生活困难情况').fill('申请执行人失业，享受最低生活保障。');
    await page.getByLabel('开户银行').fill('中国工商银行北京海淀支行');
    await page.getByLabel('账户户名').fill('王五');
    await page.getByLabel('户名证件号码').fill(APPLICANT_ID);
    await page.getByLabel('银行账号').fill(ACCOUNT);

    // Live eligibility: consent is still missing, and the server says so in Chinese.
    const live = page.getByTestId('live-eligibility');
    await eventually(() => live.textContent()).toContain('申请执行人须同意获得保险救助后案件终结执行。');
    await page.getByRole('checkbox', { name: '同意救助后终结执行' }).check();
    await eventually(() => live.textContent()).toContain('符合全部救助条件');
    await checkPage(page, 'new-application');

    await page.getByRole('button', { name: '创建申请' }).click();
    await page.waitForURL(/\/console\/applications\/[0-9A-Z]{26}$/);
    applicationUrl = page.url();
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('draft');
    // The executing court's clerk reads the numbers in full, amounts in yuan with two decimals.
    expect(await page.getByTestId('applicant-id-number').textContent()).toBe(APPLICANT_ID);
    expect(await page.locator('main').textContent()).toContain('30,000.00');
  }, 120_000);

  it('uploads the six materials (SHA-256 in the browser, progress per file) and submits', async () => {
    const page = contexts[0]?.pages()[0] as Page;
    const types = [
      'identity',
      'enforcement-basis',
      'hardship-proof',
      'termination-consent',
      'bank-account',
      'execution-report',
    ];
    for (const [i, type] of types.entries()) {
      const pdf = Buffer.from(`%PDF-1.4\n% ${type} scanned in the browser test\n%%EOF\n`);
      if (i === 0) {
        // One by drag and drop, the way a clerk drops a scan onto the zone.
        const transfer = await page.evaluateHandle(
          ([name, text]) => {
            // Runs in the page (the test's tsconfig has no DOM types).
            const w = globalThis as unknown as {
              DataTransfer: new () => { items: { add(file: unknown): void } };
              File: new (parts: string[], name: string, options: { type: string }) => unknown;
            };
            const dt = new w.DataTransfer();
            dt.items.add(new w.File([text as string], name as string, { type: 'application/pdf' }));
            return dt;
          },
          [`${type}.pdf`, pdf.toString('latin1')],
        );
        const zone = page.locator(`[data-material="${type}"] [data-dropzone]`);
        await zone.dispatchEvent('dragover', { dataTransfer: transfer });
        await zone.dispatchEvent('drop', { dataTransfer: transfer });
      } else {
        await page
          .locator(`[data-material="${type}"] input[type="file"]`)
          .setInputFiles({ name: `${type}.pdf`, mimeType: 'application/pdf', buffer: pdf });
      }
    }
    await eventually(() => page.locator('[data-doc-status="uploaded"]').count(), 20_000).toBe(6);
    await eventually(() => page.getByText('六类材料已齐全').count()).toBe(1);
    await eventually(() => page.locator('.ant-progress').count()).toBe(6);
    await checkPage(page, 'application-materials');

    await page.getByLabel('审查意见').fill('材料齐全，符合救助条件，同意报请审批');
    await page.getByLabel('审查人').fill('张法官');
    await page.getByRole('button', { name: '提交审批', exact: true }).click();
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe(
      'pending_approval',
    );
  }, 60_000);

  it('the approver of each level decides on the application page; numbers stay masked for them', async () => {
    for (const court of ['BJ0108', 'BJ01', 'BJ']) {
      const page = await signedIn(court, ['approver'], `approver-${court.toLowerCase()}`);
      await page.goto(applicationUrl);
      await eventually(() => page.getByRole('button', { name: '提交审批意见' }).count()).toBe(1);
      const shown = (await page.getByTestId('applicant-id-number').textContent()) ?? '';
      expect(shown).toContain('*');
      expect(await page.content()).not.toContain(APPLICANT_ID);
      expect(await page.content()).not.toContain(ACCOUNT);
      if (court === 'BJ0108') {
        // A reject needs a reason: the form says so before anything is sent.
        await page.locator('.ant-radio-button-wrapper', { hasText: /^不同意$/ }).click();
        await page.getByRole('button', { name: '提交审批意见' }).click();
        await eventually(() => page.getByText('不同意或退回时必须填写理由').count()).toBeGreaterThan(0);
        await page.locator('.ant-radio-button-wrapper', { hasText: /^同意$/ }).click();
        await checkPage(page, 'application-decision');
      }
      await page.getByLabel('意见说明').fill('同意');
      await page.getByRole('button', { name: '提交审批意见' }).click();
      await eventually(() => page.getByRole('button', { name: '提交审批意见' }).count()).toBe(0);
    }
  }, 120_000);

  it('the clerk sees it paid once the insurer simulator confirmed, with a verified audit trail', async () => {
    const page = contexts[0]?.pages()[0] as Page;
    await page.goto(applicationUrl);
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status'), 20_000).toBe(
      'paid',
    );
    await eventually(() => page.locator('[data-audit-chain]').getAttribute('data-audit-chain')).toBe('valid');
    await eventually(() => page.locator('[data-audit-action="decision.approve"]').count()).toBe(3);
    expect(await page.locator('main').textContent()).toContain('救助金已发放');
    await checkPage(page, 'application-paid');

    // English is one click away; the status and the audit trail follow.
    await page.getByText('English', { exact: true }).click();
    await eventually(() => page.locator('main').textContent()).toContain('Audit chain verifies');
    expect(await page.locator('[data-status]').first().textContent()).toBe('Paid');
    await checkPage(page, 'application-paid-en');
    await page.getByText('中文', { exact: true }).click();

    await page.getByRole('link', { name: '救助申请', exact: true }).first().click();
    await page.waitForURL(/\/console\/applications$/);
    await eventually(() => page.getByRole('link', { name: CASE_NUMBER }).count()).toBe(1);
    await checkPage(page, 'applications-list-paid');
  }, 60_000);

  it('the clerk closes the paid case and downloads the ruling (.docx)', async () => {
    const page = contexts[0]?.pages()[0] as Page;
    await page.goto(applicationUrl);
    // The mandated paragraph, as the notice words it (seed, 三、1), whitespace aside.
    await eventually(async () =>
      ((await page.getByTestId('ruling-text').textContent()) ?? '').replace(/\s+/gu, ''),
    ).toContain(noticeRulingParagraph());
    // The form says what is missing before anything is sent.
    await page.getByRole('button', { name: '报结', exact: true }).click();
    await eventually(() => page.getByText('必填').count()).toBeGreaterThan(0);
    await page.getByLabel('裁定书文号').fill(RULING_NUMBER);
    await page.getByRole('button', { name: '报结', exact: true }).click();
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('closed');
    await eventually(() => page.locator('main').textContent()).toContain(RULING_NUMBER);
    expect(await page.locator('main').textContent()).toContain(noticeClosingReason());
    await eventually(() => page.locator('[data-audit-action="application.closed"]').count()).toBe(1);
    // The actor of the trail is named by court, not by code.
    expect(await page.locator('[data-audit-action="application.closed"]').textContent()).toContain(
      '北京市海淀区人民法院',
    );
    await eventually(() => page.getByRole('button', { name: '恢复执行', exact: true }).count()).toBe(1);
    await checkPage(page, 'application-closed');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载裁定书（Word）' }).click(),
    ]);
    const id = applicationUrl.split('/').pop() as string;
    expect(download.suggestedFilename()).toBe(`ruling-${id}.docx`);
    const bytes = readFileSync(await download.path());
    // A .docx is a zip: the local file header "PK\x03\x04", and Word's main part inside.
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(bytes.includes(Buffer.from('word/document.xml'))).toBe(true);
    await eventually(() => page.getByText(`已下载：ruling-${id}.docx`).count()).toBe(1);
  }, 60_000);

  it('the SPC sees the paid case in the report, allocates quota, and manages campaigns', async () => {
    const page = await signedIn('SPC', ['spc-admin'], 'spc-admin-zhang');
    await page.getByRole('link', { name: '活动报表' }).click();
    await page.waitForURL(/\/console\/reports/);
    await choose(page, page.getByLabel('救助活动').first(), '演示救助活动（本地）', '演示救助活动（本地）');
    const beijing = page.locator('[data-report-row="BJ"]');
    await eventually(() => beijing.count()).toBe(1);
    // The paid case counts for Beijing's high court: at least one case and its 30,000.00 yuan.
    const cells = async () => (await beijing.locator('td').allTextContents()).map((c) => c.trim());
    expect(Number((await cells())[1])).toBeGreaterThanOrEqual(1);
    expect(Number(((await cells())[3] ?? '').replace(/,/g, ''))).toBeGreaterThanOrEqual(30_000);
    expect((await cells())[0]).toBe('北京市高级人民法院');
    await eventually(() => page.getByTestId('report-courts-chart').locator('svg').count()).toBe(1);
    await eventually(() => page.getByTestId('report-category-chart').textContent()).toContain('追索劳动报酬');
    await checkPage(page, 'campaign-report');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^report-.+\.csv$/);
    expect(readFileSync(await csv.path(), 'utf8')).toContain('北京市高级人民法院');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/^report-.+\.xlsx$/);
    expect(
      readFileSync(await xlsx.path())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');

    // Quotas: a refusal in words (below what Beijing has disbursed), then an allocation to Tibet.
    // The campaign picked on the report stays picked (other suites' campaigns share this stack): the
    // link itself carries it, so this holds whichever campaign a page would fall back to.
    const quotasLink = page.getByRole('link', { name: '救助额度' });
    expect(await quotasLink.getAttribute('href')).toMatch(/\/quotas\?campaign=demo$/);
    await quotasLink.click();
    await page.waitForURL(/\/console\/quotas\?campaign=demo$/);
    await eventually(() => page.locator('[data-quota="BJ"]').count()).toBe(1);
    await page.getByRole('button', { name: '修改 北京市高级人民法院' }).click();
    await page.getByLabel('分配额度（元）').fill('0.01');
    await page.getByRole('button', { name: '保存额度' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toContain(
      '额度不能低于已占用和已发放的金额。',
    );
    await choose(page, page.getByLabel('高级人民法院', { exact: true }), '（XZ）', '西藏');
    await page.getByLabel('分配额度（元）').fill('1234567.89');
    await page.getByRole('button', { name: '保存额度' }).click();
    await eventually(() => page.locator('[data-quota="XZ"]').textContent()).toContain('1,234,567.89');
    await eventually(() => page.getByTestId('quota-chart').textContent()).toContain('西藏自治区高级人民法院');
    await checkPage(page, 'quotas');

    // Campaigns: create one, then change its name (PATCH with the ETag read as If-Match).
    await page.getByRole('link', { name: '救助活动', exact: true }).click();
    await page.waitForURL(/\/console\/campaigns/);
    await page.getByRole('button', { name: '新建救助活动' }).click();
    await page.getByLabel('活动标识').fill(CAMPAIGN_ID);
    await page.getByLabel('活动名称').fill('浏览器测试救助活动');
    for (const [label, value] of [
      ['准备阶段开始', '2030-01-01'],
      ['准备阶段结束', '2030-01-31'],
      ['办理阶段开始', '2030-02-01'],
      ['办理阶段结束', '2030-05-31'],
      ['报送截止', '2030-06-30'],
    ] as const) {
      await page.getByLabel(label).fill(value);
    }
    await page.getByRole('button', { name: '保存', exact: true }).click();
    const row = page.locator(`[data-campaign="${CAMPAIGN_ID}"]`);
    await eventually(() => row.textContent()).toContain('浏览器测试救助活动');
    expect(await row.textContent()).toContain('2030-02-01 ~ 2030-05-31');
    await row.getByRole('button', { name: /^修改/ }).click();
    await page.getByLabel('活动名称').fill('浏览器测试救助活动（已修改）');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await eventually(() => row.textContent()).toContain('浏览器测试救助活动（已修改）');
    await checkPage(page, 'campaigns');
  }, 120_000);

  it('a clerk of another court cannot open it: the page says not found, in words', async () => {
    const page = await signedIn('BJ0105', ['clerk'], 'clerk-chaoyang');
    await page.goto(applicationUrl);
    await eventually(() => page.getByRole('alert').textContent()).toContain('未找到，或不在本院管辖范围内。');
    expect(await page.content()).not.toContain(CASE_NUMBER);
    await checkPage(page, 'application-foreign');
  }, 60_000);
});
