import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, token, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import { checkPage, eventually, launchChromium, signIn } from './browser.ts';

/**
 * The console in English, in a real browser: signed in with the language switched on the sign-in
 * page, the main pages (applications list, an application, the queue, the report, the quotas) show no
 * Chinese of their own. Data may be Chinese (court names, the applicant, the case number…): whatever the
 * API sent the page is data, so the check is "a Chinese text on the page that is not something the API
 * answered" — a label, a tag, a button, an aria-label or a placeholder left untranslated.
 */

const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '经办法官' } };

let browser: Browser;
let page: Page;
let applicationId = '';
/** Every string with Chinese in it that the API sent this page (its data). */
const data = new Set<string>();

function collect(value: unknown): void {
  if (typeof value === 'string') {
    if (CJK.test(value)) data.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collect(v);
  }
}

/** The page's own Chinese: text and labelling attributes with Chinese left once the data is taken out. */
async function untranslated(): Promise<string[]> {
  const texts = await page.evaluate(() => {
    // The page's DOM (this file is typed for Node, without the DOM's types).
    type El = {
      parentElement: El | null;
      closest(s: string): El | null;
      getAttribute(a: string): string | null;
    };
    type Doc = {
      body: { querySelectorAll(s: string): Iterable<El> };
      createTreeWalker(
        root: unknown,
        what: number,
      ): { nextNode(): (El & { textContent: string | null }) | null };
    };
    const doc = (globalThis as unknown as { document: Doc }).document;
    const out: string[] = [];
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && (parent.closest('script,style,noscript') || parent.closest('[hidden]'))) continue;
      if (n.textContent?.trim()) out.push(n.textContent.trim());
    }
    for (const el of doc.body.querySelectorAll('[aria-label],[placeholder],[title],[alt]'))
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(a);
        if (v?.trim()) out.push(v.trim());
      }
    return out;
  });
  const known = [...data].sort((a, b) => b.length - a.length);
  return [
    ...new Set(
      texts.filter((text) => {
        let rest = text;
        for (const d of known) rest = rest.split(d).join(' ');
        // A language switch names its languages in their own words: 中文 stays 中文.
        rest = rest.replace('中文', ' ');
        return CJK.test(rest);
      }),
    ),
  ];
}

async function expectEnglish(name: string): Promise<void> {
  await eventually(() => page.locator('html').getAttribute('lang')).toBe('en');
  expect(await untranslated(), `Chinese UI text on ${name}`).toEqual([]);
  await checkPage(page, `en-${name}`);
}

beforeAll(async () => {
  browser = await launchChromium();
  const clerk = await token('LN0102', ['clerk'], 'clerk-english');
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '辽0102' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  applicationId = created.body.id;
  await uploadAllDocuments(applicationId, clerk);
  const res = await api('POST', `/applications/${applicationId}/submit`, { token: clerk, body: form });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  // A second case, decided at 沈阳和平区 by another approver: the report's approval times have a row.
  const second = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '辽0102' }),
  });
  expect(second.status, JSON.stringify(second.body)).toBe(201);
  await uploadAllDocuments(second.body.id, clerk);
  expect(
    (await api('POST', `/applications/${second.body.id}/submit`, { token: clerk, body: form })).status,
  ).toBe(202);
  const decided = await api('POST', `/applications/${second.body.id}/decisions`, {
    token: await token('LN0102', ['approver'], 'approver-english'),
    body: { decision: 'approve', comment: '同意' },
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('the console in English', () => {
  it('shows the main pages with English labels only (data may be Chinese)', async () => {
    page = await signIn(browser, 'LN0102', ['clerk', 'approver'], 'english-reader', { lang: 'en' });
    page.on('response', async (response) => {
      if (!response.url().startsWith(baseUrl())) return;
      if (!(response.headers()['content-type'] ?? '').includes('json')) return;
      try {
        collect(await response.json());
      } catch {
        // not JSON after all, or gone with a navigation
      }
    });
    // The list: reloaded, so that its data passes the listener above.
    await page.reload();
    await eventually(() => page.locator(`tr[data-row-key="${applicationId}"]`).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Relief applications');
    await expectEnglish('applications');

    await page.locator(`tr[data-row-key="${applicationId}"] a`).first().click();
    await page.waitForURL(new RegExp(`/console/applications/${applicationId}$`));
    await eventually(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe(
      'pending_approval',
    );
    await eventually(() => page.locator('[data-audit-action]').count()).toBeGreaterThan(0);
    await expectEnglish('application');

    await page.getByRole('link', { name: 'Queue' }).click();
    await page.waitForURL(/\/console\/queue$/);
    await eventually(() => page.locator(`[data-queue-row="${applicationId}"]`).count()).toBe(1);
    await expectEnglish('queue');

    // The SPC's pages: report and quotas.
    const spc = await signIn(browser, 'SPC', ['spc-admin'], 'english-spc', { lang: 'en' });
    await page.context().close();
    page = spc;
    page.on('response', async (response) => {
      if (!(response.headers()['content-type'] ?? '').includes('json')) return;
      try {
        collect(await response.json());
      } catch {
        // see above
      }
    });
    await page.goto(`${baseUrl()}/console/reports?campaign=demo`);
    await eventually(() => page.locator('[data-report-row="BJ"]').count()).toBe(1);
    await eventually(() => page.getByTestId('report-detail').count()).toBe(1);
    // Approval times in English words: the national totals hold the decision at 和平区 (a basic court).
    const basic = page.getByTestId('report-approval-times').locator('[data-level="basic"]');
    await eventually(() => basic.count()).toBe(1);
    const cells = (await basic.locator('td').allTextContents()).map((c) => c.trim());
    expect(cells[0]).toBe('Basic courts');
    expect(cells[2]).toMatch(
      /^(under a minute|\d+ minutes?|\d+ hours?( \d+ minutes?)?|\d+ days?( \d+ hours?)?)$/,
    );
    expect(cells[3]).toMatch(/^(within|beyond) \d+ (hour|day)s?$/);
    await expectEnglish('report');

    await page.goto(`${baseUrl()}/console/quotas?campaign=demo`);
    await eventually(() => page.locator('[data-quota="BJ"]').count()).toBe(1);
    await expectEnglish('quotas');
  }, 90_000);
});
