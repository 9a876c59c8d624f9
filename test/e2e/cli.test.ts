import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CANDIDATES } from '../../cli/make-sample.ts';
import { api, baseUrl, token } from '../support/api.ts';
import { docxContent } from '../support/docx.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'relief.mjs');

/** `node bin/relief.mjs …` as a child process against the e2e stack (RELIEF_API), in `cwd`. */
function relief(args: string[], opts: { cwd?: string; token?: string } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { RELIEF_API: _a, RELIEF_TOKEN: _t, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, RELIEF_API: baseUrl() };
    if (opts.token) env.RELIEF_TOKEN = opts.token;
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? ROOT, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** True when the stack serves the route (anything but the gateway's "no route"). */
async function routeExists(method: string, route: string, tokenValue: string, body?: unknown) {
  const res = await api(method, route, { token: tokenValue, body });
  return !(res.status === 404 && res.body?.code === 'ROUTE_NOT_FOUND') && res.status !== 405;
}

let dir: string;
let clerk: string;
let spc: string;
let hasEligibilityChecks = false;
let hasReports = false;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-cli-e2e-'));
  clerk = await token('BJ0105', ['clerk'], 'cli-e2e-clerk');
  spc = await token('SPC', ['spc-admin'], 'cli-e2e-spc');
  hasEligibilityChecks = await routeExists('POST', '/eligibility-checks', clerk, {
    campaignId: 'demo',
    candidates: [],
  });
  hasReports = await routeExists('GET', '/campaigns/demo/reports', spc);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('relief CLI against the local stack', () => {
  it('relief token mints a token the API accepts', async () => {
    const r = await relief(['token', '--court', 'BJ0105', '--roles', 'clerk', '--sub', 'cli-e2e']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const minted = r.stdout.trim();
    expect(minted.split('.')).toHaveLength(3);
    expect((await api('GET', '/campaigns/demo', { token: minted })).status).toBe(200);
  });

  it('relief token refuses a role the court cannot hold (exit 2, no token)', async () => {
    const r = await relief(['token', '--court', 'BJ0105', '--roles', 'spc-admin']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('relief screen samples/candidates.csv agrees with the expected outcome of every sample row', async () => {
    if (!hasEligibilityChecks) {
      console.warn('cli e2e: POST /eligibility-checks is not served by this stack yet; screen case not run');
      return;
    }
    const out = path.join(dir, 'results.csv');
    const r = await relief(['screen', 'samples/candidates.csv', '--campaign', 'demo', '--out', out], {
      token: clerk,
    });
    expect(r.stderr).not.toContain('relief:');
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(out), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.caseNumber, row.eligible, row.failureCodes])).toEqual(
      SAMPLE_CANDIDATES.map((c) => [
        c.cells.caseNumber,
        c.expected.length === 0 ? 'true' : 'false',
        c.expected.join(';'),
      ]),
    );
    expect(r.stdout).toMatch(/eligible\s+13\n/);
    expect(r.stdout).toMatch(/ineligible\s+7\n/);
  });

  it('relief screen with an SPC token fails with the server problem, exit 1 and no result file', async () => {
    if (!hasEligibilityChecks) {
      console.warn('cli e2e: POST /eligibility-checks is not served by this stack yet; refusal case not run');
      return;
    }
    const out = path.join(dir, 'refused.csv');
    const r = await relief(['screen', 'samples/candidates.csv', '--out', out], { token: spc });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 403/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('relief report demo --format csv|xlsx|json writes what the API serves', async () => {
    if (!hasReports) {
      console.warn(
        'cli e2e: GET /campaigns/{id}/reports is not served by this stack yet; report case not run',
      );
      return;
    }
    const csvPath = path.join(dir, 'report.csv');
    const csv = await relief(['report', 'demo', '--format', 'csv', '--out', csvPath], { token: spc });
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const records = parse(readFileSync(csvPath), { bom: true }) as string[][];
    expect(records.length).toBeGreaterThan(1);
    expect(records.some((row) => row[0] === 'BJ')).toBe(true);

    const xlsxPath = path.join(dir, 'report.xlsx');
    const xlsx = await relief(['report', 'demo', '--format', 'xlsx', '--out', xlsxPath], { token: spc });
    expect(xlsx.code).toBe(0);
    expect(readFileSync(xlsxPath).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');

    const json = await relief(['report', 'demo', '--format', 'json'], { token: spc });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ campaignId: 'demo' });
  });

  it('relief report demo --summary [--high-court BJ] writes the written report (.docx) the API serves', async () => {
    const one = path.join(dir, 'summary-bj.docx');
    const r = await relief(['report', 'demo', '--summary', '--high-court', 'BJ', '--out', one], {
      token: spc,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { paragraphs } = docxContent(readFileSync(one));
    expect(paragraphs[0]).toMatch(/^北京市高级人民法院关于.+情况的书面报告$/);
    const national = path.join(dir, 'summary.docx');
    expect((await relief(['report', 'demo', '--summary', '--out', national], { token: spc })).code).toBe(0);
    expect(docxContent(readFileSync(national)).paragraphs[0]).toMatch(/^最高人民法院关于/);
    const refused = await relief(['report', 'demo', '--summary', '--high-court', 'SH', '--out', one], {
      token: await token('BJ', ['approver'], 'cli-summary-bj'),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HTTP 404');
  });

  it('relief report for an unknown campaign exits 1 with the problem', async () => {
    if (!hasReports) {
      console.warn(
        'cli e2e: GET /campaigns/{id}/reports is not served by this stack yet; unknown-campaign case not run',
      );
      return;
    }
    const r = await relief(['report', 'no-such-campaign', '--format', 'csv'], { token: spc });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 404');
  });

  it('relief quotas list shows every quota holder to the SPC', async () => {
    const r = await relief(['quotas', 'list', '--campaign', 'demo'], { token: spc });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^BJ\s+北京市高级人民法院\s/m);
    expect(r.stdout).toMatch(/^BT\s/m);
  });
});
