import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, token, eventually as until, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import { checkPage, eventually, launchChromium, signIn } from './browser.ts';

/**
 * The cursor pager in a real browser, on server-side pages of two (`?limit=2` in the URL): the
 * applications list and the monitoring page of 南昌市西湖区人民法院 (JX0103 → JX01 → JX), which no other
 * suite uses, with three cases carried to closure through the API (so each has an asset check due).
 * Next goes to page 2 (the last row; next then disabled), previous back to the same first page.
 */

const COURT = 'JX0103';
const serial = 10_000 + Math.floor(Math.random() * 89_999);
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '西湖法院法官' } };

let browser: Browser;
let page: Page;
const ids: string[] = [];

async function closedCase(n: number): Promise<string> {
  const clerk = await token(COURT, ['clerk'], 'clerk-xihu');
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '赣0103', caseNumber: `(2024)赣0103执${serial + n}号` }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  for (const court of [COURT, 'JX01', 'JX']) {
    const decided = await api('POST', `/applications/${id}/decisions`, {
      token: await token(court, ['approver'], `approver-pager-${court.toLowerCase()}`),
      body: { decision: 'approve', comment: '同意' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  }
  await until(
    async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === 'paid',
    `${id} paid`,
    400,
  );
  const closed = await api('POST', `/applications/${id}/closure`, {
    token: clerk,
    body: { rulingNumber: `(2026)赣0103执恢${serial + n}号`, issuedAt: today() },
  });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  return id;
}

/** The keys of the table's rows, top to bottom. */
const rowKeys = (table: Locator) =>
  table
    .locator('tbody tr[data-row-key]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')));

/** Page 1 (two rows), next: page 2 (the third), previous: page 1 again, the same two rows. */
async function walk(table: Locator, name: string): Promise<void> {
  const pager = page.getByRole('navigation', { name: /^第 \d+ 页$/ });
  await eventually(() => rowKeys(table).then((k) => k.length)).toBe(2);
  const first = await rowKeys(table);
  expect(await pager.getByRole('button', { name: '上一页' }).isDisabled()).toBe(true);
  await pager.getByRole('button', { name: '下一页' }).click();
  await page.waitForURL(/[?&]cursor=/);
  await eventually(() => page.getByRole('navigation', { name: '第 2 页' }).count()).toBe(1);
  await eventually(() => rowKeys(table).then((k) => k.length)).toBe(1);
  const second = await rowKeys(table);
  expect(new Set([...first, ...second])).toEqual(new Set(ids));
  const onSecond = page.getByRole('navigation', { name: '第 2 页' });
  expect(await onSecond.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
  await checkPage(page, `${name}-page-2`);
  await onSecond.getByRole('button', { name: '上一页' }).click();
  await eventually(() => page.getByRole('navigation', { name: '第 1 页' }).count()).toBe(1);
  expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
  await eventually(() => rowKeys(table)).toEqual(first);
}

beforeAll(async () => {
  browser = await launchChromium();
  ids.push(...(await Promise.all([1, 2, 3].map(closedCase))));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the cursor pager', () => {
  it('pages the applications list and the monitoring page forward and back', async () => {
    page = await signIn(browser, COURT, ['clerk'], 'clerk-xihu');
    await page.goto(`${baseUrl()}/console/applications?limit=2`);
    await walk(page.locator('.ant-table').first(), 'applications');

    await page.goto(`${baseUrl()}/console/monitoring?limit=2&before=2099-12-31`);
    const table = page.locator('.ant-table').first();
    await eventually(() => table.locator('tbody tr[data-due-case]').count()).toBeGreaterThan(0);
    await walk(table, 'monitoring');
  }, 90_000);
});
