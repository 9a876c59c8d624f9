import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CANDIDATES } from '../../cli/make-sample.ts';
import { api, baseUrl, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';
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

/**
 * The approver's day through the CLI: queue, batch decisions, reconciliation. Fixtures nothing else
 * touches: cases of 吉林高院 (JL) itself (route JL only: one approval), small relief amounts.
 */
describe('relief queue / decide --batch / reconcile against the local stack', () => {
  const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: 'CLI测试法官' } };
  let jlClerk: string;
  let jlApprover: string;
  const ids: string[] = [];

  beforeAll(async () => {
    jlClerk = await token('JL', ['clerk'], 'cli-e2e-jl-clerk');
    jlApprover = await token('JL', ['approver'], 'cli-e2e-jl-approver');
    for (let i = 0; i < 3; i++) {
      const body = { ...applicationBody({ courtPrefix: '吉' }), reliefAmountFen: 100_000 + i };
      const created = await api('POST', '/applications', { token: jlClerk, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await uploadAllDocuments(created.body.id, jlClerk);
      const submitted = await api('POST', `/applications/${created.body.id}/submit`, {
        token: jlClerk,
        body: form,
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      ids.push(created.body.id);
    }
  }, 60_000);

  it('relief queue lists the cases waiting at the token’s court, oldest first', async () => {
    const json = await relief(['queue', '--json'], { token: jlApprover });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const queue = JSON.parse(json.stdout) as {
      pendingAt: string;
      items: { id: string; waitingSince: string }[];
    };
    expect(queue.pendingAt).toBe('JL');
    expect(queue.items.map((i) => i.id).filter((id) => ids.includes(id))).toEqual(ids);
    const since = queue.items.map((i) => Date.parse(i.waitingSince));
    expect(since).toEqual([...since].sort((a, b) => a - b));
    const table = await relief(['queue'], { token: jlApprover });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `^${ids[0]}\\s+\\(2024\\)吉执\\d+号\\s+\\S+\\s+JL\\s+1,000.00\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`,
        'm',
      ),
    );
    // another court's queue: the server's refusal, exit 1
    const other = await relief(['queue', '--court', 'BJ'], { token: jlApprover });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('QUEUE_NOT_YOURS');
  });

  it('relief decide --batch decides each row as a single decision would; a re-run replays, deciding nothing twice', async () => {
    const foreign = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
    const file = path.join(dir, 'decisions.csv');
    writeFileSync(
      file,
      `\uFEFFapplicationId,decision,comment\r\n${ids[0]},approve,同意\r\n${ids[1]},不批准,不符合救助条件\r\n${foreign},approve,\r\n${ids[2]},approve,同意\r\n`,
    );
    const out = path.join(dir, 'decisions.out.csv');
    const first = await relief(['decide', '--batch', file, '--out', out, '--chunk', '2'], {
      token: jlApprover,
    });
    expect(first.code).toBe(1); // the foreign id
    const rows = () =>
      (parse(readFileSync(out), { bom: true, columns: true }) as Record<string, string>[]).map((r) => [
        r.applicationId,
        r.decision,
        r.status,
        r.code,
      ]);
    expect(rows()).toEqual([
      [ids[0], 'approve', 'awaiting_payout', ''],
      [ids[1], 'reject', 'rejected', ''],
      [foreign, 'approve', '', 'NOT_FOUND'],
      [ids[2], 'approve', 'awaiting_payout', ''],
    ]);
    expect(first.stdout).toContain('decided 3 of 4 application(s)');

    const again = await relief(['decide', '--batch', file, '--out', out, '--chunk', '2'], {
      token: jlApprover,
    });
    expect(again.code).toBe(1);
    expect(rows().map((r) => r[3])).toEqual(['', '', 'NOT_FOUND', '']);
    for (const id of ids) {
      const audit = await api('GET', `/applications/${id}/audit`, { token: jlClerk });
      expect(
        audit.body.filter((e: { action: string }) => e.action.startsWith('decision.')),
        id,
      ).toHaveLength(1);
    }
    const queue = JSON.parse((await relief(['queue', '--json'], { token: jlApprover })).stdout);
    expect(queue.items.map((i: { id: string }) => i.id).filter((id: string) => ids.includes(id))).toEqual([]);
  });

  it('relief decide --batch refuses a file with a bad row before sending anything', async () => {
    const file = path.join(dir, 'bad-decisions.csv');
    writeFileSync(file, `applicationId,decision,comment\n${ids[0]},退回,\n`);
    const r = await relief(['decide', '--batch', file], { token: jlApprover });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2: comment: a return needs a comment`);
  });

  it('relief reconcile shows an unknown package, and the server’s row and column for a bad statement', async () => {
    const good = path.join(dir, 'statement.csv');
    writeFileSync(
      good,
      'packageId,transactionRef,amountFen,paidAt\nPKG-CLI-E2E-NOBODY,人保-CLI-1,12345,2026-12-01\n',
    );
    const r = await relief(['reconcile', good, '--campaign', 'demo'], { token: spc });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+2\s+PKG-CLI-E2E-NOBODY\s+人保-CLI-1\s+123.45$/m);
    const json = JSON.parse(
      (await relief(['reconcile', good, '--campaign', 'demo', '--json'], { token: spc })).stdout,
    );
    expect(json.unknownPackages).toEqual([
      { row: 2, packageId: 'PKG-CLI-E2E-NOBODY', transactionRef: '人保-CLI-1', amountFen: 12345 },
    ]);
    const stored = await api('GET', `/campaigns/demo/reconciliations/${json.id}`, { token: spc });
    expect(stored.status).toBe(200);

    const bad = path.join(dir, 'bad-statement.csv');
    writeFileSync(
      bad,
      'packageId,transactionRef,amountFen,paidAt\nPKG-X,T-1,-5,2026-12-01\nPKG-Y,T-2,1.5,2026-12-01\n',
    );
    const refused = await relief(['reconcile', bad, '--campaign', 'demo'], { token: spc });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${bad}:2: amountFen: NEGATIVE_AMOUNT`);
    expect(refused.stderr).toContain(`${bad}:3: amountFen: FRACTIONAL_AMOUNT`);
    expect(refused.stderr).toContain('(STATEMENT_INVALID); nothing was stored');
  });
});
