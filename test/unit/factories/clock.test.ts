import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clock, localClockShift } from '../../../functions/factories/clock.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

describe('the clock factory', () => {
  it('is the system clock unless the local runner shifts it for a request', async () => {
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1_000);
    const day = 24 * 3600_000;
    const inside = await localClockShift.run(-15 * day, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return clock.now().getTime();
    });
    expect(Math.abs(inside - (Date.now() - 15 * day))).toBeLessThan(1_000);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it('is shifted only by the local runner: nothing a deployment bundles enters the shift', () => {
    const entering = [...sources('functions'), ...sources('infra'), ...sources('bin')].filter((file) =>
      /localClockShift\.(run|enterWith)\(/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(entering).toEqual(['infra/local/dev-clock.ts']);
  });
});
