import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckCharacter } from '../../../functions/domain/credit-code.ts';
import { FIRST_LOAD_BUDGET_BYTES, firstLoad } from '../../../web/scripts/first-load.ts';
import { api, baseUrl, token, uploadAllDocuments } from '../../support/api.ts';
import { residentId } from '../../support/applications.ts';
import { checkPage, choose, eventually, launchChromium } from './browser.ts';

/**
 * The case after closure in the console (issue 17's clerk and SPC bullets over issue 15's API), in a
 * real browser: a clerk of 湖南省长沙市芙蓉区人民法院 (HN0102 → HN01 → HN) creates an application in a
 * campaign that requires the debtor(s) and the 终本 checklist, naming a legal-person debtor (its unified
 * social credit code checked inline) and a natural person, the checklist item by item and a measure;
 * the API carries it to payout and closure; the clerk then sees the due asset check on the monitoring
 * page, the measures in force (a lifting refused in words), records an `assets-found` check, is
 * prompted to resume, resumes against the debtors capped at the relief paid and records a recovery;
 * the SPC sees the credit on the relief-fund page. Every new page passes axe and is saved.
 */

const CAMPAIGN_ID = `after-${Date.now().toString(36)}`;
const CAMPAIGN_NAME = `救助后管理测试活动 ${CAMPAIGN_ID}`;
const serial = 10_000 + Math.floor(Math.random() * 89_999);
const CASE_NUMBER = `(2025)湘0102执${serial}号`;
const APPLICANT_ID = residentId('430102', '19800101', String(100 + (serial % 800)));
const PERSON_DEBTOR_ID = residentId('430102', '19700505', '531');
// 统一社会信用代码: registration 9, type 1, division 430102, organisation code MA4L7Q2K8, check character.
const COMPANY_FIRST17 = '91430102MA4L7Q2K8';
const COMPANY_CODE = `${COMPANY_FIRST17}${creditCodeCheckCharacter(COMPANY_FIRST17)}`;
const WRONG_COMPANY_CODE = `${COMPANY_FIRST17}${creditCodeCheckCharacter(COMPANY_FIRST17) === '0' ? '1' : '0'}`;
const MEASURE_REFERENCE = `（2025）湘0102执${serial}号之一`;
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

let browser: Browser;
const contexts: BrowserContext[] = [];
let applicationId = '';
let clerkPage: Page;

async function signedIn(court: string, roles: string[], sub: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Europe/London' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${baseUrl()}/`);
  await page.waitForURL(/\/console\/sign-in/);
  await choose(page, page.getByLabel('法院').first(), `（${court}）`, court);
  for (const [label, role] of [
    ['书记员（经办）', 'clerk'],
    ['审批人', 'approver'],
    ['最高法管理员', 'spc-admin'],
  ] as const) {
    const box = page.getByRole('checkbox', { name: label });
    if ((await box.isChecked()) !== roles.includes(role)) await box.click();
  }
  await page.getByLabel('用户标识').fill(sub);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/console\/applications/);
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
  // A campaign being handled now that requires the debtor and the checklist, with quota for Hunan.
  const spc = await token('SPC', ['spc-admin'], 'spc-after-closure-console');
  const created = await api('POST', '/campaigns', {
    token: spc,
    body: {
      id: CAMPAIGN_ID,
      name: CAMPAIGN_NAME,
      preparation: { start: '2026-01-01', end: '2026-01-31' },
      handling: { start: '2026-02-01', end: '2099-12-31' },
      reportDue: '2100-01-31',
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
      requireDebtor: true,
      requireTerminationChecklist: true,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const quota = await api('PUT', `/campaigns/${CAMPAIGN_ID}/quotas/HN`, {
    token: spc,
    body: { allocatedFen: 100_000_000 },
  });
  expect(quota.status, JSON.stringify(quota.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

describe('the console after closure', () => {
  it('keeps the first load, the entry and its static imports from the Vite manifest, under 400 KB gzipped', () => {
    // The stack built web/dist before the tests; the pages added here are lazy chunks, not first load.
    const load = firstLoad(fileURLToPath(new URL('../../../web/dist/', import.meta.url)));
    expect(load.files.map((f) => f.file)).toContain(load.entry);
    expect(load.files.some((f) => /MonitoringPage|ReliefFundPage|AfterClosure/.test(f.file))).toBe(false);
    expect(FIRST_LOAD_BUDGET_BYTES).toBe(400 * 1024);
    expect(load.gzipBytes).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);
  });

  it('the new-application form takes the debtors, the filing date, the 终本 checklist and the measures', async () => {
    const page = await signedIn('HN0102', ['clerk'], 'clerk-furong');
    clerkPage = page;
    await page.getByRole('link', { name: '新建申请' }).click();
    await page.waitForURL(/\/console\/applications\/new/);
    await eventually(() => page.getByLabel('救助活动', { exact: true }).isVisible()).toBe(true);
    await choose(page, page.getByLabel('救助活动', { exact: true }), CAMPAIGN_NAME, CAMPAIGN_ID);
    // The campaign requires the debtor: the form opens one to fill in, and says the checklist is required.
    await eventually(() => page.getByLabel('被执行人 1 姓名或名称').count()).toBe(1);
    await eventually(() => page.getByText('本次救助活动须逐项填写终本条件。').count()).toBe(1);
    // Another campaign that requires neither: the empty debtor goes, the checklist is optional and unticked.
    await choose(
      page,
      page.getByLabel('救助活动', { exact: true }),
      '演示救助活动（本地）',
      '演示救助活动（本地）',
    );
    await eventually(() => page.getByLabel('被执行人 1 姓名或名称').count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: '逐项填写终本条件' }).isChecked()).toBe(false);
    await choose(page, page.getByLabel('救助活动', { exact: true }), CAMPAIGN_NAME, CAMPAIGN_ID);
    await eventually(() => page.getByLabel('被执行人 1 姓名或名称').count()).toBe(1);

    await page.getByLabel('案号').fill(CASE_NUMBER);
    await choose(page, page.getByLabel('案件类型'), '追索劳动报酬');
    await page.getByLabel('申请执行标的金额（元）').fill('30000');
    await page.getByLabel('救助金额（元）').fill('30000');
    await page.getByLabel('终本依据').fill('经网络查控和实地调查，未发现可供执行的财产。');
    await page.getByLabel('立案日期').fill('2025-03-03');
    for (const [item, day] of [
      ['已发出执行通知', '2025-03-05'],
      ['已责令报告财产', '2025-03-05'],
      ['已发出限制消费令', '2025-03-20'],
      ['已穷尽财产调查措施', '2025-05-30'],
      ['已查找被执行人或对妨害执行依法采取强制措施', '2025-06-10'],
    ] as const) {
      await page.getByRole('checkbox', { name: item, exact: true }).check();
      await page.getByLabel(`${item}：完成日期`).fill(day);
    }

    // A legal-person debtor by its unified social credit code: a wrong check character is caught inline.
    await page.getByLabel('被执行人 1 姓名或名称').fill('长沙某建筑劳务有限公司');
    await page.locator('[data-debtor="0"]').getByText('法人或其他组织', { exact: true }).click();
    await page.getByLabel('被执行人 1 证件号码').fill(WRONG_COMPANY_CODE);
    await eventually(() => page.getByText('统一社会信用代码校验码错误').count()).toBe(1);
    await page.getByLabel('被执行人 1 证件号码').fill(COMPANY_CODE);
    await eventually(() => page.getByText('统一社会信用代码校验码错误').count()).toBe(0);
    await page.getByRole('button', { name: '添加被执行人' }).click();
    await page.getByLabel('被执行人 2 姓名或名称').fill('赵六');
    await page.getByLabel('被执行人 2 证件号码').fill(PERSON_DEBTOR_ID);
    await page.getByRole('button', { name: '添加措施' }).click();
    await page.getByLabel('措施 1 文书编号').fill(MEASURE_REFERENCE);
    await page.getByLabel('措施 1 采取日期').fill('2025-03-20');

    await page.getByLabel('申请执行人姓名').fill('孙七');
    await page.getByLabel('证件号码', { exact: true }).fill(APPLICANT_ID);
    await page.getByLabel('生活困难情况').fill('申请执行人因工伤丧失劳动能力，无固定收入。');
    await page.getByRole('checkbox', { name: '同意救助后终结执行' }).check();
    await page.getByLabel('开户银行').fill('中国建设银行长沙芙蓉支行');
    await page.getByLabel('账户户名').fill('孙七');
    await page.getByLabel('户名证件号码').fill(APPLICANT_ID);
    await page.getByLabel('银行账号').fill('6217002710000112233');
    // The server's live check agrees: the checklist, the filing date and the debtors are all in order.
    await eventually(() => page.getByTestId('live-eligibility').textContent(), 20_000).toContain(
      '符合全部救助条件',
    );
    await checkPage(page, 'new-application-debtors');

    await page.getByRole('button', { name: '创建申请' }).click();
    await page.waitForURL(/\/console\/applications\/[0-9A-Z]{26}$/);
    applicationId = page.url().split('/').pop() as string;
    await eventually(() => page.getByTestId('debtors-facts').textContent()).toContain(COMPANY_CODE);
    const stored = await api('GET', `/applications/${applicationId}`, {
      token: await token('HN0102', ['clerk'], 'clerk-furong'),
    });
    expect(stored.body.debtors).toEqual([
      {
        name: '长沙某建筑劳务有限公司',
        kind: 'legal',
        idType: 'unified-social-credit-code',
        idNumber: COMPANY_CODE,
      },
      { name: '赵六', kind: 'natural', idType: 'resident-id', idNumber: PERSON_DEBTOR_ID },
    ]);
    expect(stored.body.case.filedAt).toBe('2025-03-03');
    expect(Object.keys(stored.body.case.terminationConditions.checklist).sort()).toEqual(
      [
        'consumptionRestricted',
        'debtorSearchedOrSanctioned',
        'executionNoticeServed',
        'investigationExhausted',
        'propertyReportOrdered',
      ].sort(),
    );
    expect(stored.body.case.measures).toEqual([
      { kind: 'consumption-restriction', reference: MEASURE_REFERENCE, since: '2025-03-20' },
    ]);
  }, 120_000);

  it('after closure the clerk sees the due check, the measures in force and records an asset check', async () => {
    // Submission, three approvals, payout and closure through the API (the console tests cover them).
    const clerk = await token('HN0102', ['clerk'], 'clerk-furong-api');
    await uploadAllDocuments(applicationId, clerk);
    const submitted = await api('POST', `/applications/${applicationId}/submit`, {
      token: clerk,
      body: { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '芙蓉法院法官' } },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    for (const court of ['HN0102', 'HN01', 'HN']) {
      const decided = await api('POST', `/applications/${applicationId}/decisions`, {
        token: await token(court, ['approver'], `approver-after-${court.toLowerCase()}`),
        body: { decision: 'approve', comment: '同意' },
      });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    }
    await eventually(
      async () => (await api('GET', `/applications/${applicationId}`, { token: clerk })).body.status,
      30_000,
    ).toBe('paid');
    const closed = await api('POST', `/applications/${applicationId}/closure`, {
      token: clerk,
      body: { rulingNumber: `(2026)湘0102执恢${serial}号`, issuedAt: today() },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const dueOn = closed.body.nextAssetCheckDue as string;
    expect(dueOn > today()).toBe(true);

    // The monitoring page lists it as due by its date (six months on), with the due date in words.
    const page = clerkPage;
    await page.getByRole('link', { name: '财产查询监管' }).click();
    await page.waitForURL(/\/console\/monitoring/);
    await page.getByLabel('应查询日期截至').fill(dueOn);
    const row = page.locator(`[data-due-case="${applicationId}"]`);
    await eventually(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(CASE_NUMBER);
    expect(await row.textContent()).toContain(`${dueOn} 前应查询`);
    await checkPage(page, 'monitoring');

    await row.getByRole('link', { name: CASE_NUMBER }).click();
    await page.waitForURL(new RegExp(`/console/applications/${applicationId}$`));
    await eventually(() => page.getByTestId('next-asset-check').textContent()).toContain(dueOn);
    const measures = page.getByTestId('measures-in-force');
    expect(await measures.textContent()).toContain(MEASURE_REFERENCE);
    // Lifting a measure of a relief-closed case is refused, and the refusal is in words.
    await choose(page, page.getByLabel('申请解除的措施'), MEASURE_REFERENCE);
    await page.getByLabel('解除依据').fill('申请人申请解除。');
    await page.getByRole('button', { name: '解除措施' }).click();
    await eventually(() => measures.getByRole('alert').textContent()).toContain(
      '救助后被执行人的限制消费和财产控制措施继续有效',
    );
    expect(await measures.getByRole('alert').textContent()).toContain('RESTRICTIONS_MUST_REMAIN');
    await checkPage(page, 'application-after-closure');

    const check = page.locator('#asset-check');
    await check.getByText('发现可供执行财产', { exact: true }).click();
    await check.getByLabel('查询情况').fill('网络查控发现被执行人名下银行存款。');
    await check.getByRole('button', { name: '登记查询' }).click();
    await eventually(() => page.getByTestId('resumption-due').count()).toBe(1);
    expect(await page.locator('[data-check-result="assets-found"]').count()).toBe(1);
    await checkPage(page, 'application-resumption-due');
  }, 120_000);

  it('the clerk resumes against the debtors, capped at the relief paid, and records a recovery', async () => {
    const page = clerkPage;
    const form = page.locator('#resumption');
    expect(await page.getByTestId('resume-cap').textContent()).toContain('30,000.00');
    // Both debtors are named (checked by default); the ground follows the check.
    expect(await form.getByRole('checkbox', { checked: true }).count()).toBe(2);
    await form.getByLabel('恢复执行依据').fill('财产查询发现被执行人名下存款。');
    await form.getByLabel('恢复执行金额（元）').fill('30000.01');
    await form.getByRole('button', { name: '恢复执行', exact: true }).click();
    await eventually(() => form.getByText('金额不能超过 30,000.00 元').count()).toBe(1);
    await form.getByLabel('恢复执行金额（元）').fill('5000');
    await form.getByRole('button', { name: '恢复执行', exact: true }).click();
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('resumed');
    expect(await page.getByTestId('resumption-due').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('长沙某建筑劳务有限公司、赵六');

    const recovery = page.locator('#recovery');
    await recovery.getByLabel('追回金额（元）').fill('5000');
    await recovery.getByLabel('到账凭证号').fill(`HN-R-${serial}`);
    await recovery.getByRole('button', { name: '登记', exact: true }).click();
    await eventually(() => page.locator('main').textContent()).toContain('已追回 5,000.00 元');
    await checkPage(page, 'application-recovered');
  }, 60_000);

  it('the SPC sees the recovery credited to the relief fund, per high court and case', async () => {
    const page = await signedIn('SPC', ['spc-admin'], 'spc-admin-fund');
    await page.getByRole('link', { name: '救助款回收' }).click();
    await page.waitForURL(/\/console\/relief-fund/);
    await choose(page, page.getByLabel('救助活动').first(), CAMPAIGN_NAME, CAMPAIGN_ID);
    const hunan = page.locator('[data-fund-row="HN"]');
    await eventually(() => hunan.count()).toBe(1);
    expect(await hunan.textContent()).toContain('湖南省高级人民法院');
    expect(await hunan.textContent()).toContain('5,000.00');
    const credited = page.locator(`[data-fund-case="${applicationId}"]`);
    await eventually(() => credited.count()).toBe(1);
    expect(await credited.textContent()).toContain('湖南省长沙市芙蓉区人民法院');
    expect(await credited.textContent()).toContain('5,000.00');
    expect(await page.getByTestId('fund-totals').textContent()).toContain('5,000.00');
    await eventually(() => page.getByText('救助款账户与各案登记的回收金额一致').count()).toBe(1);
    await checkPage(page, 'relief-fund');
  }, 60_000);
});
