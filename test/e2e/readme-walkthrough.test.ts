import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { baseUrl } from '../support/api.ts';

const run = promisify(execFile);

/**
 * The README's walk-through, extracted verbatim; only the API address is pointed at the test stack (and
 * RELIEF_DATA_DIR at its data directory, for `relief audit`, as a developer's would be `.local`).
 */
function walkthrough(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('<!-- walkthrough:start -->')[1]?.split('<!-- walkthrough:end -->')[0] ?? '';
  const script = section.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!script) throw new Error('README walk-through block not found');
  return script;
}

describe('README walk-through', () => {
  it('runs exactly as written against a fresh stack', async () => {
    const script = walkthrough();
    expect(script).toContain('API=http://127.0.0.1:3000');
    const pointed = script.replace('API=http://127.0.0.1:3000', `API=${baseUrl()}`);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', pointed], {
      // Generous: the block runs the CLI seven times (each a tsx start), on a shared 2-core machine.
      timeout: 270_000,
      env: { ...process.env, RELIEF_DATA_DIR: inject('dataDir') },
    });
    expect(stdout).toMatch(/application [0-9A-Z]{26} is draft/);
    expect(stdout).toContain('"status":"uploaded"');
    expect(stdout).toContain('other court: 404');
    expect(stdout).toContain('"status":"pending_approval","pendingAt":"BJ0105"');
    expect(stdout).toMatch(/^pending_approval\n(?:.*\n)*?awaiting_payout$/m);
    // Step 8 reads the quota right after the approval; the e2e insurer pays after 150 ms, so the
    // 3,000,000 fen are either still reserved or already disbursed: they are committed either way.
    const quota = stdout.match(
      /"highCourtCode":"BJ","allocatedFen":\d+,"reservedFen":(\d+),"disbursedFen":(\d+)/,
    );
    expect(quota, 'step 8 prints the BJ quota').not.toBeNull();
    expect(Number(quota?.[1]) + Number(quota?.[2])).toBeGreaterThanOrEqual(3_000_000);
    expect(stdout).toMatch(/^paid$/m);
    expect(stdout).toContain('被执行人确无财产可供执行，申请执行人同意获得保险救助后案件终结执行。');
    expect(stdout).toContain('/tmp/ruling.docx');
    expect(stdout).toMatch(/^false$/m);
    // Step 11a: one asset check after closure; nothing found, the next is due six months on.
    expect(stdout).toMatch(/^none-found$/m);
    const nextDue = stdout.match(/^next asset check due (\d{4}-\d{2}-\d{2})$/m)?.[1];
    expect(nextDue, 'step 11a prints the next due date').toBeDefined();
    const inSixMonths = new Date(Date.now() + 8 * 3600_000);
    inSixMonths.setUTCDate(1); // the month only: a due date on the 31st clamps to the month's last day
    inSixMonths.setUTCMonth(inSixMonths.getUTCMonth() + 6);
    expect(nextDue?.slice(0, 7)).toBe(inSixMonths.toISOString().slice(0, 7));
    expect(stdout.toLowerCase()).toContain('audit-chain: valid');
    // Step 13 screens the samples of four courts in four provinces, each with its own court's token.
    expect(stdout.match(/^screened \d+ candidate\(s\) for campaign demo$/gm)).toHaveLength(4);
    expect(stdout).toMatch(/^screened 3 candidate\(s\) for campaign demo\n {2}eligible {4}2$/m);
    expect(stdout).toMatch(/^screened 2 candidate\(s\) for campaign demo\n {2}eligible {4}2$/m);
    expect(stdout).toContain('高级人民法院代码');
    expect(stdout).toContain('/tmp/report.xlsx');
    expect(stdout).toMatch(/^(sealed checkpoint #\d+|nothing to seal)/m);
    expect(stdout).toMatch(
      /^audit trail verified \(local runner data in .*\): \d+ checkpoint\(s\), 1 chain\(s\)/m,
    );
  }, 300_000);
});
