import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { clock, localClockShift, newUlid } from '../../../functions/factories/clock.ts';

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

  it('mints valid ULIDs carrying the time, with randomness spread over the whole alphabet', () => {
    const at = Date.UTC(2026, 11, 2, 15, 30);
    expect(decodeTime(newUlid(at))).toBe(at);
    const ids = Array.from({ length: 2_000 }, () => clock.newId());
    for (const id of ids) expect(isValid(id)).toBe(true);
    expect(Math.abs(decodeTime(ids[0] as string) - Date.now())).toBeLessThan(1_000);
    expect(new Set(ids).size).toBe(ids.length);
    // 32,000 random characters: each of the 32 letters appears about 1,000 times, never under 700.
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(10)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    expect(Math.min(...counts.values())).toBeGreaterThan(700);
  });
});
