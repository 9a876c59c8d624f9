import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { SAMPLE_CANDIDATES, sampleAllocationsCsv, sampleCandidatesCsv } from '../../../cli/make-sample.ts';
import { QUOTA_HOLDER_CODES } from '../../../functions/domain/courts.ts';
import {
  captureIo,
  FAKE_DOCX,
  FAKE_REPORT,
  FAKE_REPORT_CSV,
  FAKE_XLSX,
  type FakeApi,
  startFakeApi,
} from './fake-api.ts';

let api: FakeApi;
let dir: string;
const CLERK = 'fake.BJ0105.clerk';
const SPC = 'fake.SPC.spc-admin';

beforeEach(async () => {
  api = await startFakeApi();
  dir = mkdtempSync(path.join(tmpdir(), 'relief-cli-'));
  writeFileSync(path.join(dir, 'candidates.csv'), sampleCandidatesCsv());
  writeFileSync(path.join(dir, 'allocations.csv'), sampleAllocationsCsv());
});
afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process against the fake API (via RELIEF_API) in the temp dir. */
async function run(args: string[], env: Record<string, string> = {}, stdoutIsTTY = false) {
  const io = captureIo(dir, { RELIEF_API: api.url, ...env }, stdoutIsTTY);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err(), outBytes: io.outBytes() };
}

const checks = () => api.requests.filter((r) => r.path === '/eligibility-checks');
const readResults = (file: string) =>
  parse(readFileSync(path.join(dir, file)), { bom: true, columns: true }) as Record<string, string>[];

describe('relief token', () => {
  it('mints a local token and prints it alone on stdout', async () => {
    const r = await run(['token', '--court', 'bj0105', '--roles', 'clerk,approver', '--sub', 'zhang']);
    expect(r).toMatchObject({ code: 0, out: 'fake.BJ0105.clerk,approver\n', err: '' });
    expect(api.requests[0]?.body).toEqual({ sub: 'zhang', court: 'BJ0105', roles: ['clerk', 'approver'] });
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('says "not a local runner" and exits 1 when the server has no /dev/tokens', async () => {
    api.options.devTokens = false;
    const r = await run(['token', '--court', 'BJ0105', '--roles', 'clerk']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('not a local runner');
  });

  it('refuses unknown roles and courts locally with exit 2, sending nothing', async () => {
    expect((await run(['token', '--court', 'BJ0105', '--roles', 'clerk,judge'])).code).toBe(2);
    expect((await run(['token', '--court', 'XX9999', '--roles', 'clerk'])).code).toBe(2);
    expect((await run(['token', '--court', 'BJ', '--roles', 'spc-admin'])).code).toBe(2);
    const missing = await run(['token', '--roles', 'clerk']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--court <code>'");
    expect(api.requests).toEqual([]);
  });

  it('exits 1 naming the API when nothing listens there', async () => {
    await api.close();
    const r = await run(['token', '--court', 'BJ0105', '--roles', 'clerk']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot reach the API at ${api.url}`);
  });
});

describe('relief screen', () => {
  it('screens every candidate in batches and writes the result CSV with a summary', async () => {
    const r = await run(['screen', 'candidates.csv', '--batch', '7', '--out', 'out.csv', '--token', CLERK]);
    expect(r.err).not.toContain('relief:');
    expect(r.code).toBe(0);
    expect(checks().map((c) => (c.body as { candidates: unknown[] }).candidates.length)).toEqual([7, 7, 6]);
    expect(checks().every((c) => (c.body as { campaignId: string }).campaignId === 'demo')).toBe(true);
    expect(checks()[0]?.headers.authorization).toBe(`Bearer ${CLERK}`);
    const results = readResults('out.csv');
    expect(results).toHaveLength(20);
    results.forEach((row, i) => {
      const expected = SAMPLE_CANDIDATES[i]?.expected ?? [];
      expect([row.caseNumber, row.eligible, row.failureCodes]).toEqual([
        SAMPLE_CANDIDATES[i]?.cells.caseNumber,
        expected.length === 0 ? 'true' : 'false',
        expected.join(';'),
      ]);
    });
    expect(results[13]?.failureMessagesZh).toBe('财产保全案件不属于保险救助范围。');
    expect(r.out).toContain('screened 20 candidate(s) for campaign demo');
    expect(r.out).toMatch(/eligible\s+13\n/);
    expect(r.out).toMatch(/ineligible\s+7\n/);
    expect(r.out).toMatch(/PRESERVATION_CASE\s+1/);
    expect(r.out).toContain(`results: ${path.join(dir, 'out.csv')}`);
    // not a terminal: plain progress lines on stderr
    expect(r.err).toContain('screening: 7/20\nscreening: 14/20\nscreening: 20/20\n');
  });

  it('writes beside the input by default, reading the token from RELIEF_TOKEN', async () => {
    const r = await run(['screen', 'candidates.csv'], { RELIEF_TOKEN: CLERK });
    expect(r.code).toBe(0);
    expect(readResults('candidates.results.csv')).toHaveLength(20);
  });

  it('stops before sending anything when a row is invalid: exit 2, its line named, no output file', async () => {
    const text = sampleCandidatesCsv().replace(
      '(2024)京0105执1203号,child-support',
      '(2024)京0105执1203号,divorce',
    );
    writeFileSync(path.join(dir, 'bad.csv'), text);
    const r = await run(['screen', 'bad.csv', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.csv:4: category: unknown value "divorce"');
    expect(r.err).toContain('nothing was sent');
    expect(api.requests).toEqual([]);
    expect(existsSync(path.join(dir, 'out.csv'))).toBe(false);
  });

  it('with --skip-invalid records invalid rows as INVALID_INPUT and sends only the valid ones', async () => {
    const text = sampleCandidatesCsv().replace(',30000,否,是,', ',30000,也许,是,');
    writeFileSync(path.join(dir, 'bad.csv'), text);
    const r = await run(['screen', 'bad.csv', '--out', 'out.csv', '--skip-invalid', '--token', CLERK]);
    expect(r.code).toBe(0);
    expect(checks().flatMap((c) => (c.body as { candidates: unknown[] }).candidates)).toHaveLength(19);
    const results = readResults('out.csv');
    expect(results[0]).toMatchObject({
      concluded: '也许',
      eligible: 'false',
      failureCodes: 'INVALID_INPUT',
      failureMessagesZh: '第2行“concluded”列：应填“是”或“否”，实为“也许”',
    });
    expect(results[1]?.eligible).toBe('true');
    expect(r.out).toMatch(/invalid\s+1/);
    expect(r.err).toContain('bad.csv:2: concluded:');
  });

  it('on an HTTP failure prints the problem, exits 1 and writes no output file', async () => {
    api.options.failCheckOnCall = {
      call: 2,
      status: 500,
      problem: { title: 'Internal Server Error', status: 500, code: 'INTERNAL', detail: 'Something broke.' },
    };
    const r = await run(['screen', 'candidates.csv', '--batch', '5', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(1);
    expect(checks()).toHaveLength(2); // a 500 is not retried
    expect(r.err).toContain('Internal Server Error (INTERNAL, HTTP 500)');
    expect(r.err).toContain('Something broke.');
    expect(readdirSync(dir).sort()).toEqual(['allocations.csv', 'candidates.csv']);
  });

  it('retries an unavailable server (503) as often as configured, then exits 1 with no output file', async () => {
    api.options.failCheckOnCall = {
      call: 1,
      status: 503,
      problem: { title: 'Service Unavailable', status: 503, code: 'UNAVAILABLE', detail: 'Try again later.' },
    };
    const r = await run(['screen', 'candidates.csv', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(1);
    expect(checks()).toHaveLength(3); // the first try and two retries (captureIo: retryDelaysMs [0, 0])
    expect(r.err).toContain('Service Unavailable (UNAVAILABLE, HTTP 503)');
    expect(existsSync(path.join(dir, 'out.csv'))).toBe(false);
  });

  it('labels the errors of a refused batch with the CSV lines of the candidates', async () => {
    api.options.failCheckOnCall = {
      call: 2,
      status: 400,
      problem: {
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'The body is invalid.',
        errors: [{ code: 'too_big', path: 'candidates.1.applicant.name', message: 'Too long' }],
      },
    };
    const r = await run(['screen', 'candidates.csv', '--batch', '5', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(1);
    // second batch, second candidate → the 7th data row → line 8
    expect(r.err).toContain('- line 8: applicant.name: too_big Too long');
    expect(existsSync(path.join(dir, 'out.csv'))).toBe(false);
  });

  it('retries a throttled batch (429) and then succeeds', async () => {
    api.options.throttleFirstCheck = true;
    const r = await run(['screen', 'candidates.csv', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(0);
    expect(checks()).toHaveLength(2);
    expect(readResults('out.csv')).toHaveLength(20);
  });

  it('exits 1 without an output file when the answer breaks the contract', async () => {
    api.options.dropLastResult = true;
    const r = await run(['screen', 'candidates.csv', '--out', 'out.csv', '--token', CLERK]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('19 results for 20 candidates');
    expect(existsSync(path.join(dir, 'out.csv'))).toBe(false);
  });

  it('exits 1 on 401 (a bad token), printing the problem', async () => {
    const r = await run(['screen', 'candidates.csv', '--out', 'out.csv', '--token', 'not-a-token']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('UNAUTHENTICATED, HTTP 401');
  });

  it('exits 2 before sending anything without a token, with a bad --batch, or an unwritable --out', async () => {
    const noToken = await run(['screen', 'candidates.csv']);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('no token');
    for (const batch of ['0', '1001', 'ten', '2.5']) {
      const r = await run(['screen', 'candidates.csv', '--batch', batch, '--token', CLERK]);
      expect([batch, r.code]).toEqual([batch, 2]);
    }
    const badOut = await run(['screen', 'candidates.csv', '--out', 'missing/dir/out.csv', '--token', CLERK]);
    expect(badOut.code).toBe(2);
    const same = await run(['screen', 'candidates.csv', '--out', 'candidates.csv', '--token', CLERK]);
    expect(same.code).toBe(2);
    const missing = await run(['screen', 'nope.csv', '--token', CLERK]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read nope.csv: ENOENT');
    expect(api.requests).toEqual([]);
  });

  it('--dry-run validates without a token, sends nothing and writes nothing', async () => {
    const r = await run(['screen', 'candidates.csv', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('20 candidate row(s), all valid');
    expect(api.requests).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['allocations.csv', 'candidates.csv']);
  });

  it('accepts global options after the subcommand and --api over RELIEF_API', async () => {
    const r = await run(
      ['screen', 'candidates.csv', '--out', 'o.csv', '--api', `${api.url}/`, '--token', CLERK],
      {
        RELIEF_API: 'http://127.0.0.1:9',
      },
    );
    expect(r.code).toBe(0);
    const bad = await run(['--api', 'ftp://x', 'screen', 'candidates.csv', '--token', CLERK]);
    expect(bad.code).toBe(2);
  });
});

describe('relief quotas', () => {
  it('sets every allocation of the file and prints the table', async () => {
    const r = await run(['quotas', 'set', 'allocations.csv', '--token', SPC]);
    expect(r.code).toBe(0);
    const puts = api.requests.filter((q) => q.method === 'PUT');
    expect(puts.map((q) => q.path)).toEqual(QUOTA_HOLDER_CODES.map((c) => `/campaigns/demo/quotas/${c}`));
    expect(puts[0]?.body).toEqual({ allocatedFen: 300_000_000 });
    expect(r.out).toMatch(
      /BJ\s+北京市高级人民法院\s+3,000,000\.00\s+30,000\.00\s+0\.00\s+2,970,000\.00\s+ok/,
    );
    expect(r.out.trimEnd().split('\n')).toHaveLength(34);
    expect(r.err).toContain('32 allocation(s) applied');
  });

  it('reports QUOTA_BELOW_COMMITTED per row, applies the others, and exits 1', async () => {
    api.options.belowCommitted = new Set(['SH', 'GD']);
    const r = await run(['quotas', 'set', 'allocations.csv', '--token', SPC]);
    expect(r.code).toBe(1);
    expect(api.requests.filter((q) => q.method === 'PUT')).toHaveLength(32);
    expect(r.out).toMatch(/SH\s+上海市高级人民法院\s+3,000,000\.00\s+QUOTA_BELOW_COMMITTED/);
    expect(r.out).toMatch(/GD .*QUOTA_BELOW_COMMITTED/);
    expect(r.out.match(/ ok$/gm)).toHaveLength(30);
    expect(r.err).toContain('allocations.csv:10: SH: The allocation of SH would fall below');
    expect(r.err).toContain('2 of 32 allocation(s) not applied');
  });

  it('stops at a failure that would hit every row (403) and marks the rest not applied', async () => {
    api.options.quotaStatus = 403;
    const r = await run(['quotas', 'set', 'allocations.csv', '--token', CLERK]);
    expect(r.code).toBe(1);
    expect(api.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
    expect(r.out.match(/NOT APPLIED$/gm)).toHaveLength(31);
    expect(r.err).toContain('stopped: Forbidden (FORBIDDEN, HTTP 403)');
  });

  it('validates the whole file first: one bad row → exit 2 and nothing sent', async () => {
    writeFileSync(path.join(dir, 'bad.csv'), `${sampleAllocationsCsv()}ZZ,100\r\n`);
    const r = await run(['quotas', 'set', 'bad.csv', '--token', SPC]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.csv:34: highCourtCode: "ZZ" is not a quota holder');
    expect(api.requests).toEqual([]);
  });

  it('lists the quotas the token may see', async () => {
    const r = await run(['quotas', 'list', '--token', SPC]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/BJ\s+北京市高级人民法院\s+1,000,000\.00\s+30,000\.00\s+0\.00\s+970,000\.00/);
  });
});

describe('relief report', () => {
  it('writes the .xlsx bytes unchanged, atomically, asking for the workbook media type', async () => {
    const r = await run(['report', 'demo', '--format', 'xlsx', '--out', 'report.xlsx', '--token', SPC]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'report.xlsx')).equals(FAKE_XLSX)).toBe(true);
    expect(api.requests[0]?.headers.accept).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('pipes an .xlsx to stdout only when stdout is not a terminal', async () => {
    const piped = await run(['report', 'demo', '--format', 'xlsx', '--token', SPC]);
    expect(piped.code).toBe(0);
    expect(piped.outBytes.equals(FAKE_XLSX)).toBe(true);
    const tty = await run(['report', 'demo', '--format', 'xlsx', '--token', SPC], {}, true);
    expect(tty.code).toBe(2);
    expect(api.requests).toHaveLength(1);
  });

  it('prints CSV as is and JSON pretty-printed on stdout', async () => {
    const csv = await run(['report', 'demo', '--format', 'csv', '--token', SPC]);
    expect(csv).toMatchObject({ code: 0, out: FAKE_REPORT_CSV });
    expect(api.requests[0]?.headers.accept).toBe('text/csv');
    const json = await run(['report', 'demo', '--token', SPC]);
    expect(json).toMatchObject({ code: 0, out: `${JSON.stringify(FAKE_REPORT, null, 2)}\n` });
  });

  it('refuses an unknown format with exit 2 before calling the API', async () => {
    const r = await run(['report', 'demo', '--format', 'pdf', '--token', SPC]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format: expected csv, xlsx or json');
    expect(api.requests).toEqual([]);
  });

  it('exits 1 with the problem and no file for an unknown campaign', async () => {
    const r = await run(['report', 'nope', '--format', 'csv', '--out', 'r.csv', '--token', SPC]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Not Found (NOT_FOUND, HTTP 404)');
    expect(r.err).toContain('Unknown campaign.');
    expect(existsSync(path.join(dir, 'r.csv'))).toBe(false);
  });

  it('exits 1 without a file when the server answers another media type than asked', async () => {
    api.options.reportContentType = 'application/json';
    const r = await run(['report', 'demo', '--format', 'csv', '--out', 'r.csv', '--token', SPC]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('answered application/json for Accept: text/csv');
    expect(existsSync(path.join(dir, 'r.csv'))).toBe(false);
  });
});

describe('relief report --summary', () => {
  const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

  it('writes a high court’s written report (.docx) unchanged, atomically, asking for the Word media type', async () => {
    const r = await run([
      'report',
      'demo',
      '--summary',
      '--high-court',
      'bj',
      '--out',
      'tj.docx',
      '--token',
      SPC,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(dir, 'tj.docx')).equals(FAKE_DOCX)).toBe(true);
    expect(api.requests[0]).toMatchObject({
      path: '/campaigns/demo/reports/summary',
      query: 'highCourtCode=BJ',
      headers: { accept: DOCX },
    });
    expect(r.out).toMatch(/^wrote .*tj\.docx \(\d+ bytes, docx\)\n$/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('asks for the national report without --high-court, and pipes it only when stdout is not a terminal', async () => {
    const piped = await run(['report', 'demo', '--summary', '--token', SPC]);
    expect(piped.code).toBe(0);
    expect(piped.outBytes.equals(FAKE_DOCX)).toBe(true);
    expect(api.requests[0]).toMatchObject({ path: '/campaigns/demo/reports/summary', query: '' });
    const tty = await run(['report', 'demo', '--summary', '--token', SPC], {}, true);
    expect(tty.code).toBe(2);
    expect(tty.err).toContain('--out is required for --summary');
    expect(api.requests).toHaveLength(1);
  });

  it('refuses --format or a malformed --high-court with --summary, and --high-court without it, with exit 2 before calling the API', async () => {
    for (const args of [
      ['--summary', '--format', 'csv'],
      ['--summary', '--high-court', 'BJ0105'],
      ['--high-court', 'BJ'],
    ]) {
      const r = await run(['report', 'demo', ...args, '--out', 'x.docx', '--token', SPC]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(api.requests).toEqual([]);
    expect(existsSync(path.join(dir, 'x.docx'))).toBe(false);
  });

  it('exits 1 with the problem and no file when the API refuses, or answers another media type', async () => {
    const r = await run([
      'report',
      'demo',
      '--summary',
      '--high-court',
      'SH',
      '--out',
      's.docx',
      '--token',
      SPC,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('HTTP 404');
    expect(existsSync(path.join(dir, 's.docx'))).toBe(false);
    api.options.reportContentType = 'application/json';
    const wrong = await run(['report', 'demo', '--summary', '--out', 's.docx', '--token', SPC]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`answered application/json for Accept: ${DOCX}`);
    expect(existsSync(path.join(dir, 's.docx'))).toBe(false);
  });
});

describe('usage', () => {
  it('prints help with exit 0 and exits 2 for an unknown command or option', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: relief');
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['screen', 'candidates.csv', '--nope'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });
});

describe('relief courts import', () => {
  const HEADER = 'code,name,level,parentCode,province,caseCourtPrefix,directToHighCourt';

  it('refuses --dry-run with --apply (exit 2), sending nothing', async () => {
    writeFileSync(path.join(dir, 'courts.csv'), `${HEADER}\nNM0102,x,basic,NM01,NM,内0102,否\n`);
    const r = await run(['courts', 'import', 'courts.csv', '--dry-run', '--apply'], { RELIEF_TOKEN: SPC });
    expect(r.code).toBe(2);
    expect(r.err).toContain('--dry-run and --apply: choose one');
    expect(api.requests).toEqual([]);
  });

  it('a bad cell stops the file before anything is sent, naming line and column (exit 2)', async () => {
    writeFileSync(path.join(dir, 'courts.csv'), `${HEADER}\nNM0102,x,county,NM01,NM,内0102,否\n`);
    const r = await run(['courts', 'import', 'courts.csv', '--apply'], { RELIEF_TOKEN: SPC });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/courts\.csv:2: level: unknown level "county"/);
    expect(api.requests).toEqual([]);
  });

  it('needs a token (exit 2), and says so before sending', async () => {
    writeFileSync(path.join(dir, 'courts.csv'), `${HEADER}\nNM0102,x,basic,NM01,NM,内0102,否\n`);
    const r = await run(['courts', 'import', 'courts.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no token');
    expect(api.requests).toEqual([]);
  });
});
