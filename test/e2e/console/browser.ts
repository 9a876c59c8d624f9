import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

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
