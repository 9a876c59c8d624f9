import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { baseUrl } from '../../support/api.ts';

/** Debian's chromium (no browser download is possible here); .ci/run installs it with apt. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Screenshots land here (gitignored), one per page visited. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/console/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

/**
 * Checks the page as it is now: no serious or critical axe violation, then a full-page screenshot
 * named after the page.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  // A dialog still fading in or out has half-transparent text: axe would measure its contrast mid-way
  // (seen under load). Wait until antd's motion classes are gone (bounded; the check runs regardless).
  await page
    .waitForFunction(
      // A function, not a string: the console's CSP (no 'unsafe-eval') refuses evaluating a string.
      () =>
        !(
          globalThis as unknown as { document: { querySelector(s: string): unknown } }
        ).document.querySelector(
          '[class*="-enter-active"], [class*="-appear-active"], [class*="-leave-active"]',
        ),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  expect(bad, `axe on ${name}`).toEqual([]);
}

/** expect.poll with room for a loaded machine (vitest's default gives up after one second). */
export function eventually<T>(probe: () => Promise<T> | T, timeout = 15_000) {
  return expect.poll(probe, { timeout, interval: 100 });
}

/**
 * Picks an option of an antd Select and waits until its list has gone (it lingers while animating).
 * If the list closes under the pointer (a re-render on a loaded machine takes the focus away), it
 * opens it again, up to four times, instead of waiting 30 s for an option that is no longer there.
 */
export async function choose(
  page: Page,
  select: Locator,
  option: string | RegExp,
  typed?: string,
): Promise<void> {
  const item = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
    hasText: option,
  });
  for (let attempt = 1; ; attempt++) {
    await select.click();
    if (typed) await page.keyboard.type(typed);
    try {
      await item.first().click({ timeout: 7_500 });
      break;
    } catch (error) {
      if (attempt === 4) throw error;
      await page.keyboard.press('Escape');
    }
  }
  // The list closes by itself after a choice; on a loaded machine it has been seen to stay open (a
  // second open raced the choice): close it with Escape, which keeps the value chosen.
  const list = page.locator('.ant-select-dropdown').last();
  try {
    await list.waitFor({ state: 'hidden', timeout: 5_000 });
  } catch {
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
  }
}

/**
 * A new browser context signed in through the local sign-in page (court, roles, user id), on the
 * applications list. With `lang: 'en'` the language is switched to English on the sign-in page first
 * (the console keeps it), so the labels to click are the English ones.
 */
export async function signIn(
  browser: Browser,
  court: string,
  roles: readonly string[],
  sub: string,
  options: { lang?: 'zh' | 'en' } = {},
): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${baseUrl()}/`);
  await page.waitForURL(/\/console\/sign-in/);
  const en = options.lang === 'en';
  if (en) await page.getByText('English', { exact: true }).click();
  await choose(
    page,
    page.getByLabel(en ? 'Court' : '法院').first(),
    en ? `(${court})` : `（${court}）`,
    court,
  );
  const labels = en
    ? ([
        ['Clerk', 'clerk'],
        ['Approver', 'approver'],
        ['SPC administrator', 'spc-admin'],
      ] as const)
    : ([
        ['书记员（经办）', 'clerk'],
        ['审批人', 'approver'],
        ['最高法管理员', 'spc-admin'],
      ] as const);
  for (const [label, role] of labels) {
    const box = page.getByRole('checkbox', { name: label });
    if ((await box.isChecked()) !== roles.includes(role)) await box.click();
  }
  await page.getByLabel(en ? 'User id' : '用户标识').fill(sub);
  await page.getByRole('button', { name: en ? 'Sign in' : '登录', exact: true }).click();
  await page.waitForURL(/\/console\/applications/);
  return page;
}
