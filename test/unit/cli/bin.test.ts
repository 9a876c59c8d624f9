import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCandidatesCsv } from '../../../cli/make-sample.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'relief.mjs');
/** Each case starts Node and tsx (seconds on a loaded machine); this bounds a hang, it asserts no timing. */
const SPAWN = 60_000;

/** Runs `node bin/relief.mjs …` as a child process; resolves with its exit code and output. */
function relief(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { RELIEF_API: _a, RELIEF_TOKEN: _t, ...inherited } = process.env;
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...inherited, ...env }, timeout: SPAWN },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let api: FakeApi;
let dir: string;
beforeAll(async () => {
  api = await startFakeApi();
  dir = mkdtempSync(path.join(tmpdir(), 'relief-bin-'));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the relief command (bin/relief.mjs)', () => {
  it(
    'prints its help from the repository root and from another working directory',
    async () => {
      for (const cwd of [ROOT, dir]) {
        const r = await relief(['--help'], cwd);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('Usage: relief [options] [command]');
        expect(r.stdout).toContain('screen [options] <cases.csv>');
      }
    },
    SPAWN,
  );

  it(
    'exits 2 for a usage error and for an unreadable input file',
    async () => {
      const r = await relief(['screen', 'missing.csv', '--token', 'x'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot read missing.csv');
    },
    SPAWN,
  );

  it(
    'exits 1 with "not a local runner" when /dev/tokens is missing',
    async () => {
      api.options.devTokens = false;
      try {
        const r = await relief(['token', '--court', 'BJ0105', '--roles', 'clerk'], dir, {
          RELIEF_API: api.url,
        });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('not a local runner');
      } finally {
        api.options.devTokens = true;
      }
    },
    SPAWN,
  );

  it(
    'mints a token and screens a file end to end, resolving paths against its working directory',
    async () => {
      const token = await relief(['token', '--court', 'BJ0105', '--roles', 'clerk'], dir, {
        RELIEF_API: api.url,
      });
      expect(token.code).toBe(0);
      writeFileSync(path.join(dir, 'cases.csv'), sampleCandidatesCsv());
      const r = await relief(['screen', 'cases.csv'], dir, {
        RELIEF_API: api.url,
        RELIEF_TOKEN: token.stdout.trim(),
      });
      expect(r.stderr).toContain('screening: 20/20');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/eligible\s+13/);
      expect(readFileSync(path.join(dir, 'cases.results.csv'), 'utf8')).toContain('failureMessagesZh');
    },
    SPAWN,
  );
});
