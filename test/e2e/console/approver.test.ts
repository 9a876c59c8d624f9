import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, sha256Hex, token, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import { checkPage, choose, eventually, launchChromium, SCREENSHOTS } from './browser.ts';

/**
 * The approving judge in a real browser: the queue (oldest first, waiting since, pagination), a batch
 * decision from it, and the application page (documents inline with their hash checked in the browser,
 * the route so far, document review) in a return round trip with the clerk. The cases are made through
 * the API where the UI is not what is tested. Courts no other suite uses: 合肥市瑶海区人民法院 (AH0102,
 * route AH0102 → AH01 → AH) for the round trip, 福州市鼓楼区人民法院 (FJ0102) for the batch; only the
 * first level decides, so no quota is touched.
 */

const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '经办法官' } };

let browser: Browser;
const contexts: BrowserContext[] = [];

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

/** A case of `court` with its six scans, submitted by its clerk: it waits at `court`. */
/** The local runner's clock shift (infra/local/dev-clock.ts): the request runs fifteen days ago. */
const FIFTEEN_DAYS_AGO = { 'X-Relief-Local-Clock-Shift': String(-15 * 24 * 3600) };

async function submitted(
  court: string,
  prefix: string,
  clerk: string,
  headers: Record<string, string> = {},
): Promise<{ id: string; caseNumber: string }> {
  const body = applicationBody({ courtPrefix: prefix });
  const created = await api('POST', '/applications', { token: clerk, body, headers });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  const res = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.pendingAt).toBe(court);
  return { id, caseNumber: body.case.caseNumber };
}

/** A real one-page PDF (with its cross-reference table), so the browser's viewer shows a page. */
function onePagePdf(line: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 24 Tf 72 760 Td (${line}) Tj ET`.length} >>\nstream\nBT /F1 24 Tf 72 760 Td (${line}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const status = (page: Page) => page.locator('[data-status]').first().getAttribute('data-status');

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

describe('the approving judge', () => {
  it('a return round trip: the approver rejects a scan and returns; the clerk replaces it and resubmits; the approver approves', async () => {
    const clerkToken = await token('AH0102', ['clerk'], 'clerk-yaohai');
    const { id, caseNumber } = await submitted('AH0102', '皖0102', clerkToken);
    const docs = (await api('GET', `/applications/${id}/documents`, { token: clerkToken })).body.items as {
      type: string;
      sha256: string;
    }[];
    const identitySha = docs.find((d) => d.type === 'identity')?.sha256 as string;
    // Another case of the same court, created and submitted fifteen days ago: the local runner's clock
    // shift (X-Relief-Local-Clock-Shift, local mode only) records it then, as a clerk would have.
    const overdue = await submitted('AH0102', '皖0102', clerkToken, FIFTEEN_DAYS_AGO);

    // The approver finds it in the queue and opens it with a click on its row.
    const approver = await signedIn('AH0102', ['approver'], 'approver-yaohai');
    await approver.getByRole('link', { name: '待审批' }).click();
    await approver.waitForURL(/\/console\/queue$/);
    const row = approver.locator(`[data-queue-row="${id}"]`);
    await eventually(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(caseNumber);
    // The case submitted fifteen days ago is past the level's 14 days, by the API's own rule: marked in
    // words (the tag) and by the row's tint, and first (oldest first); this one, just submitted, is not.
    const old = approver.locator(`[data-queue-row="${overdue.id}"]`);
    await eventually(() => old.count()).toBe(1);
    expect(await old.textContent()).toContain(overdue.caseNumber);
    expect(await old.locator('[data-overdue]').textContent()).toBe('已超期');
    expect(await old.getAttribute('class')).toContain('queue-overdue');
    expect(await row.locator('[data-overdue]').textContent()).toBe('未超期');
    expect(await row.getAttribute('class')).not.toContain('queue-overdue');
    const order = await approver
      .locator('[data-queue-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-queue-row')));
    expect(order.indexOf(overdue.id)).toBeLessThan(order.indexOf(id));
    // Beijing time (UTC+8, no daylight saving), whatever the browser's zone (Europe/London here).
    const since = (await row.locator('time').getAttribute('datetime')) as string;
    expect(await row.locator('time').textContent()).toBe(
      new Date(Date.parse(since) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
    );
    await checkPage(approver, 'approver-queue');
    await row.locator('td').nth(3).click();
    await approver.waitForURL(new RegExp(`/console/applications/${id}$`));

    // Every scan can be read inline; the bytes fetched are hashed in the browser against the record.
    await approver.getByRole('button', { name: '查看 身份证明' }).click();
    const view = approver.locator('[data-document-view]');
    await eventually(() => view.locator('[data-hash]').getAttribute('data-hash')).toBe('verified');
    expect(await view.getByTestId('recorded-sha').textContent()).toBe(identitySha);
    expect(await view.getByTestId('computed-sha').textContent()).toBe(identitySha);
    expect(await view.locator('iframe').getAttribute('src')).toMatch(/^blob:/);
    await eventually(() => approver.locator('[data-route-step="application.submitted"]').count()).toBe(1);
    await checkPage(approver, 'approver-application');

    // A rejection needs a reason, then the scan is rejected and the return names it.
    // Clicked again if the first click went astray (the page may still shift as court names arrive).
    const reason = approver.getByLabel('驳回理由：身份证明');
    await eventually(async () => {
      if ((await reason.count()) === 0)
        await approver
          .getByRole('button', { name: '驳回 身份证明' })
          .click({ timeout: 2_000 })
          .catch(() => {});
      return reason.count();
    }).toBe(1);
    await approver.getByRole('button', { name: '确认驳回' }).click();
    await eventually(() => approver.getByText('驳回材料须说明理由。').count()).toBe(1);
    await reason.fill('身份证复印件模糊，无法辨认');
    await approver.getByRole('button', { name: '确认驳回' }).click();
    await eventually(() =>
      approver.locator('[data-review="identity"] [data-review-verdict]').getAttribute('data-review-verdict'),
    ).toBe('rejected');
    // Approving over a rejected scan is refused, in words.
    await approver.getByLabel('意见说明').fill('同意');
    await approver.getByRole('button', { name: '提交审批意见' }).click();
    await eventually(() => approver.getByRole('alert').allTextContents()).toContainEqual(
      expect.stringContaining('MATERIALS_INCOMPLETE'),
    );
    await approver.locator('.ant-radio-button-wrapper', { hasText: /^退回补充材料$/ }).click();
    await approver.getByLabel('意见说明').fill('请更换身份证明');
    await approver.getByRole('button', { name: '提交审批意见' }).click();
    await eventually(() => status(approver)).toBe('returned');

    // The clerk sees what the return asks for, replaces the scan and submits again.
    const clerk = await signedIn('AH0102', ['clerk'], 'clerk-yaohai');
    await clerk.goto(`${baseUrl()}/console/applications/${id}`);
    const request = clerk.getByTestId('return-request');
    await eventually(() => request.textContent()).toContain('请更换身份证明');
    expect(await request.textContent()).toContain('身份证明：身份证复印件模糊，无法辨认');
    expect(await request.textContent()).toContain('合肥市瑶海区人民法院');
    expect(await request.locator('[data-replace="identity"]').getAttribute('data-replaced')).toBe('false');
    await checkPage(clerk, 'clerk-returned');
    const scan = onePagePdf('Identity proof - a clear copy');
    await clerk
      .locator('[data-material="identity"] input[type="file"]')
      .setInputFiles({ name: 'identity.pdf', mimeType: 'application/pdf', buffer: scan });
    await eventually(
      () => request.locator('[data-replace="identity"]').getAttribute('data-replaced'),
      20_000,
    ).toBe('true');
    await eventually(() => clerk.getByText('六类材料已齐全').count()).toBe(1);
    // The clerk reviews the new scan before submitting it (材料审查 by the executing court).
    await clerk.getByRole('button', { name: '审查通过 身份证明' }).click();
    await eventually(() =>
      clerk.locator('[data-review="identity"] [data-review-verdict]').getAttribute('data-review-verdict'),
    ).toBe('accepted');
    await eventually(() => clerk.locator('[data-audit-action="document.review-accepted"]').count()).toBe(1);
    await clerk.getByLabel('审查意见').fill('已更换身份证明，材料齐全');
    await clerk.getByRole('button', { name: '提交审批', exact: true }).click();
    await eventually(() => status(clerk)).toBe('pending_approval');

    // The approver sees the new scan (its own hash) and approves; the case moves up to 合肥中院.
    await approver.reload();
    await eventually(() => approver.getByRole('button', { name: '提交审批意见' }).count()).toBe(1);
    await approver.getByRole('button', { name: '查看 身份证明' }).click();
    await eventually(() => view.locator('[data-hash]').getAttribute('data-hash')).toBe('verified');
    expect(await view.getByTestId('recorded-sha').textContent()).toBe(sha256Hex(scan));
    // The same page was checked by axe above; this one only shows a real PDF inline.
    await approver.screenshot({ path: `${SCREENSHOTS}approver-application-pdf.png`, fullPage: true });
    await approver.getByLabel('意见说明').fill('材料已补正，同意');
    await approver.getByRole('button', { name: '提交审批意见' }).click();
    await eventually(() => approver.getByRole('button', { name: '提交审批意见' }).count()).toBe(0);
    const app = (await api('GET', `/applications/${id}`, { token: clerkToken })).body;
    expect(app.status).toBe('pending_approval');
    expect(app.pendingAt).toBe('AH01');
    // The route so far: submitted, returned, submitted again, approved.
    await eventually(() =>
      approver
        .locator('[data-route-step]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-route-step'))),
    ).toEqual(['application.submitted', 'decision.return', 'application.submitted', 'decision.approve']);
  }, 120_000);

  it('a batch decision from the queue: a comment is required to return, the count is confirmed, each item answers', async () => {
    const clerkToken = await token('FJ0102', ['clerk'], 'clerk-gulou');
    const cases: { id: string; caseNumber: string }[] = [];
    for (let i = 0; i < 4; i++) cases.push(await submitted('FJ0102', '闽0102', clerkToken));

    const page = await signedIn('FJ0102', ['approver'], 'approver-gulou');
    await page.getByRole('link', { name: '待审批' }).click();
    await page.waitForURL(/\/console\/queue$/);
    await eventually(() => page.locator('[data-queue-row]').count()).toBe(4);
    expect(await page.locator('[data-overdue]').allTextContents()).toEqual(Array(4).fill('未超期'));
    // Server-side pages: three at a time, the next one fetched by its cursor.
    await page.goto(`${baseUrl()}/console/queue?limit=3`);
    await eventually(() => page.locator('[data-queue-row]').count()).toBe(3);
    await page.getByRole('button', { name: '加载更多' }).click();
    await eventually(() => page.locator('[data-queue-row]').count()).toBe(4);
    await eventually(() => page.getByRole('button', { name: '加载更多' }).isDisabled()).toBe(true);
    // Oldest first: in the order they were submitted.
    expect(
      await page
        .locator('[data-queue-row]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-queue-row'))),
    ).toEqual(cases.map((c) => c.id));

    for (const c of cases) await page.getByRole('checkbox', { name: `选择 ${c.caseNumber}` }).check();
    await eventually(() => page.getByTestId('batch-selected').textContent()).toBe('已选择 4 件');
    // Another approver of the court decides the last one meanwhile: the batch must say so for that item.
    const other = await token('FJ0102', ['approver'], 'approver-gulou-2');
    const single = await api('POST', `/applications/${cases[3]?.id}/decisions`, {
      token: other,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(single.status, JSON.stringify(single.body)).toBe(200);

    await page
      .locator('.ant-radio-button-wrapper', { hasText: /^退回补充材料$/ })
      .last()
      .click();
    await page.getByRole('button', { name: '批量提交审批意见' }).click();
    await eventually(() => page.getByText('不同意或退回时必须填写理由').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('batch-confirm').count()).toBe(0);
    await page
      .locator('.ant-radio-button-wrapper', { hasText: /^同意$/ })
      .last()
      .click();
    await page.getByLabel('批量审批意见说明').fill('材料齐全，同意');
    await page.getByRole('button', { name: '批量提交审批意见' }).click();
    await eventually(() => page.getByTestId('batch-confirm').textContent()).toContain('4 件');
    await checkPage(page, 'approver-batch-confirm');
    await page.getByRole('button', { name: '确认提交' }).click();

    const results = page.getByTestId('batch-results');
    await eventually(() => results.textContent()).toContain('成功 3 件，未成功 1 件');
    for (const c of cases.slice(0, 3)) {
      expect(await results.locator(`[data-batch-item="${c.id}"]`).getAttribute('data-batch-code')).toBe('ok');
    }
    const refused = results.locator(`[data-batch-item="${cases[3]?.id}"]`);
    expect(await refused.getAttribute('data-batch-code')).toBe('DECISION_ALREADY_RECORDED');
    expect(await refused.textContent()).toContain('本级已作出审批意见。');
    expect(await refused.textContent()).toContain(cases[3]?.caseNumber);
    // The queue refreshed: all four have moved on to 福州中院.
    await eventually(() => page.locator('[data-queue-row]').count()).toBe(0);
    // The confirmation has closed (not still fading out over the results, which axe would measure).
    await page.getByTestId('batch-confirm').waitFor({ state: 'hidden' });
    await checkPage(page, 'approver-batch-results');
    for (const c of cases) {
      const app = (await api('GET', `/applications/${c.id}`, { token: clerkToken })).body;
      expect(app.pendingAt).toBe('FJ01');
    }
  }, 120_000);
});
