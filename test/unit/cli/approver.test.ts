import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkKey, NOT_CONFIRMED, NOT_SENT, readDecisions } from '../../../cli/decide.ts';
import { main } from '../../../cli/main.ts';
import { beijingTime, courtOfToken } from '../../../cli/queue.ts';
import { gbk } from '../../support/gbk.ts';
import { captureIo, FAKE_RECONCILIATION, type FakeApi, fakeJwt, startFakeApi } from './fake-api.ts';

let api: FakeApi;
let dir: string;
const APPROVER = 'fake.BJ.approver';
const SPC = 'fake.SPC.spc-admin';

beforeEach(async () => {
  api = await startFakeApi();
  dir = mkdtempSync(path.join(tmpdir(), 'relief-cli-approver-'));
});
afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], opts: { token?: string; stderrIsTTY?: boolean } = {}) {
  const io = captureIo(dir, { RELIEF_API: api.url, ...(opts.token ? { RELIEF_TOKEN: opts.token } : {}) });
  if (opts.stderrIsTTY) io.stderr.isTTY = true;
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** A ULID-shaped application id ending in the number n. */
const ulid = (n: number) => `01JAPP${String(n).padStart(20, '0')}`;
const write = (name: string, content: string | Buffer) => writeFileSync(path.join(dir, name), content);
const readResults = (file: string) =>
  parse(readFileSync(path.join(dir, file)), { bom: true, columns: true }) as Record<string, string>[];
const batches = () => api.requests.filter((r) => r.path === '/decision-batches');

function queueItem(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: ulid(n),
    status: 'pending_approval',
    pendingAt: 'BJ',
    courtCode: 'BJ0105',
    reliefAmountFen: 1_234_500 + n,
    case: { caseNumber: `(2024)京0105执${n}号` },
    applicant: { name: `张*${n}` },
    waitingSince: '2026-11-20T16:30:00.000Z',
    overdue: false,
    ...extra,
  };
}

describe('relief queue', () => {
  it('lists every page of the queue, oldest first, with yuan, Beijing time and overdue', async () => {
    api.options.queues.BJ = [queueItem(1, { overdue: true }), queueItem(2), queueItem(3)];
    const r = await run(['queue', '--court', 'bj'], { token: APPROVER });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const gets = api.requests.filter((q) => q.path === '/applications');
    // page size 2 in the fake: two pages, the second asked for with the first's nextCursor
    expect(gets).toHaveLength(2);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^applicationId\s+caseNumber\s+applicant\s+court\s+reliefYuan\s+waitingSince/);
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/)[0])).toEqual([ulid(1), ulid(2), ulid(3)]);
    // 2026-11-20T16:30Z is 2026-11-21 00:30 in Beijing (the day changes)
    expect(lines[2]).toMatch(
      /\(2024\)京0105执1号\s+张\*1\s+BJ0105\s+12,345.01\s+2026-11-21 00:30\s+OVERDUE$/,
    );
    expect(lines[3]).not.toContain('OVERDUE');
    expect(lines.at(-1)).toBe('3 waiting at BJ, 1 overdue, 37,035.06 yuan in all');
  });

  it('asks for pendingAt (with campaignId when given) and follows nextCursor', async () => {
    api.options.queues.BJ = [queueItem(1), queueItem(2), queueItem(3)];
    await run(['queue', '--court', 'BJ', '--campaign', 'demo'], { token: APPROVER });
    const gets = api.requests.filter((q) => q.path === '/applications');
    expect(gets.map((g) => Object.fromEntries(new URLSearchParams(g.query)))).toEqual([
      { pendingAt: 'BJ', limit: '200', campaignId: 'demo' },
      { pendingAt: 'BJ', limit: '200', campaignId: 'demo', cursor: '2' },
    ]);
  });

  it('reads the court from the token when --court is not given, and prints JSON with --json', async () => {
    api.options.queues.BJ = [queueItem(7)];
    const r = await run(['queue', '--json'], { token: fakeJwt('BJ', ['approver']) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      pendingAt: 'BJ',
      items: [
        {
          id: ulid(7),
          caseNumber: '(2024)京0105执7号',
          applicant: '张*7',
          courtCode: 'BJ0105',
          reliefAmountFen: 1_234_507,
          waitingSince: '2026-11-20T16:30:00.000Z',
          overdue: false,
        },
      ],
    });
  });

  it('says so when nothing waits', async () => {
    const r = await run(['queue', '--court', 'BJ'], { token: APPROVER });
    expect(r).toMatchObject({ code: 0, out: 'nothing waiting at BJ\n' });
  });

  it('exits 2 without a court it can name, 1 with the server’s QUEUE_NOT_YOURS', async () => {
    const noCourt = await run(['queue'], { token: APPROVER });
    expect(noCourt.code).toBe(2);
    expect(noCourt.err).toContain('--court: required');
    expect(api.requests).toEqual([]);
    const other = await run(['queue', '--court', 'SH'], { token: APPROVER });
    expect(other.code).toBe(1);
    expect(other.err).toContain('QUEUE_NOT_YOURS');
  });

  it('beijingTime and courtOfToken', () => {
    expect(beijingTime('2026-12-01T07:15:07.960Z')).toBe('2026-12-01 15:15');
    expect(beijingTime(null)).toBe('');
    expect(courtOfToken(fakeJwt('GZ', ['approver']))).toBe('GZ');
    expect(courtOfToken('not-a-jwt')).toBeUndefined();
  });
});

describe('relief decide --batch', () => {
  const header = 'applicationId,decision,comment\n';

  it('sends the decisions in chunks with a content-derived key each and writes the per-row results', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `${ulid(i + 1)},approve,同意`);
    rows[3] = `${ulid(4)},退回,材料不清`;
    write('d.csv', `\uFEFF${header}${rows.join('\r\n')}\r\n`);
    api.options.decisionOutcomes.set(ulid(2), {
      status: 'pending_approval',
      pendingAt: 'BJ',
      code: 'QUOTA_EXCEEDED',
    });
    api.options.decisionOutcomes.set(ulid(4), { status: 'returned', pendingAt: null });
    api.options.decisionOutcomes.set(ulid(5), { status: 'pending_approval', pendingAt: 'BJ' });
    const r = await run(['decide', '--batch', 'd.csv', '--chunk', '2', '--out', 'out.csv'], {
      token: APPROVER,
    });
    expect(r.code).toBe(1); // one item refused
    expect(batches().map((b) => (b.body as { items: unknown[] }).items.length)).toEqual([2, 2, 1]);
    expect((batches()[1] as { body: { items: unknown[] } }).body.items[1]).toEqual({
      applicationId: ulid(4),
      decision: 'return',
      comment: '材料不清',
    });
    const bytes = readFileSync(path.join(dir, 'd.csv'));
    expect(new Set(batches().map((b) => b.headers['idempotency-key'])).size).toBe(3);
    expect(batches().map((b) => b.headers['idempotency-key'])).toEqual(
      [0, 1, 2].map((i) => chunkKey(bytes, 2, i)),
    );
    expect(readResults('out.csv')).toEqual([
      { applicationId: ulid(1), decision: 'approve', status: 'approved', pendingAt: '', code: '' },
      {
        applicationId: ulid(2),
        decision: 'approve',
        status: 'pending_approval',
        pendingAt: 'BJ',
        code: 'QUOTA_EXCEEDED',
      },
      { applicationId: ulid(3), decision: 'approve', status: 'approved', pendingAt: '', code: '' },
      { applicationId: ulid(4), decision: 'return', status: 'returned', pendingAt: '', code: '' },
      { applicationId: ulid(5), decision: 'approve', status: 'pending_approval', pendingAt: 'BJ', code: '' },
    ]);
    expect(readFileSync(path.join(dir, 'out.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(r.out).toContain('decided 4 of 5 application(s)');
    expect(r.out).toMatch(/QUOTA_EXCEEDED\s+1/);
    expect(r.err).toBe(''); // not a terminal: no progress bar
  });

  it('exits 0 when every item was decided; a re-run of the same file replays (same keys)', async () => {
    write('d.csv', `${header}${ulid(1)},approve,同意\n${ulid(2)},reject,不符合条件\n`);
    const first = await run(['decide', '--batch', 'd.csv'], { token: APPROVER });
    expect(first.code).toBe(0);
    expect(existsSync(path.join(dir, 'd.results.csv'))).toBe(true);
    const again = await run(['decide', '--batch', 'd.csv'], { token: APPROVER });
    expect(again.code).toBe(0);
    const keys = batches().map((b) => b.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    // another file gives another key
    write('e.csv', `${header}${ulid(1)},approve,同意\n`);
    await run(['decide', '--batch', 'e.csv'], { token: APPROVER });
    expect(batches()[2]?.headers['idempotency-key']).not.toBe(keys[0]);
  });

  it('reads a GBK file', async () => {
    write('g.csv', gbk(`${header}${ulid(1)},不批准,不符合救助条件\n`));
    const r = await run(['decide', '--batch', 'g.csv'], { token: APPROVER });
    expect(r.code).toBe(0);
    expect(batches()[0]?.body).toEqual({
      items: [{ applicationId: ulid(1), decision: 'reject', comment: '不符合救助条件' }],
    });
  });

  it('refuses a file with any bad row naming line and column, sending nothing and writing nothing', async () => {
    write(
      'bad.csv',
      `${header}${ulid(1)},approve,\nnot-an-id,approve,\n${ulid(1)},approve,\n${ulid(3)},maybe,x\n${ulid(4)},reject,\n${ulid(5)},approve,${'长'.repeat(4001)}\n`,
    );
    const r = await run(['decide', '--batch', 'bad.csv'], { token: APPROVER });
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.csv:3: applicationId: expected an application id');
    expect(r.err).toContain(`bad.csv:4: applicationId: ${ulid(1)} is already decided on line 2`);
    expect(r.err).toContain('bad.csv:5: decision: expected approve, reject or return');
    expect(r.err).toContain('bad.csv:6: comment: a reject needs a comment');
    expect(r.err).toContain('bad.csv:7: comment: at most 4000 characters');
    expect(r.err).toContain('5 problem(s); nothing was sent');
    expect(api.requests).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['bad.csv']);
  });

  it('refuses unknown columns, a missing decision column, an empty file and non-text bytes', () => {
    expect(() => readDecisions(Buffer.from('applicationId,verdict\n'), 'f.csv')).toThrow(/2 invalid entries/);
    expect(() => readDecisions(Buffer.from(header), 'f.csv')).toThrow(/1 invalid entry/);
    expect(() => readDecisions(Buffer.from([0xff, 0xfe, 0x00, 0x81]), 'f.csv')).toThrow(/1 invalid entry/);
    // approvals need no comment column at all
    expect(readDecisions(Buffer.from(`applicationId,decision\n${ulid(9)},同意\n`), 'f.csv')).toEqual([
      { line: 2, applicationId: ulid(9), decision: 'approve', comment: '' },
    ]);
  });

  it('stops at a chunk refused as a whole: its items get the code, later ones NOT_SENT; file still written', async () => {
    write('d.csv', `${header}${[1, 2, 3, 4, 5].map((n) => `${ulid(n)},approve,`).join('\n')}\n`);
    api.options.failBatchOnCall = {
      call: 2,
      status: 403,
      problem: { title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'Approvers only.' },
    };
    const r = await run(['decide', '--batch', 'd.csv', '--chunk', '2'], { token: APPROVER });
    expect(r.code).toBe(1);
    expect(batches()).toHaveLength(2);
    expect(readResults('d.results.csv').map((x) => x.code)).toEqual([
      '',
      '',
      'FORBIDDEN',
      'FORBIDDEN',
      NOT_SENT,
    ]);
    expect(r.err).toContain('Forbidden (FORBIDDEN, HTTP 403)');
    expect(r.err).toContain('re-running the same file is safe');
  });

  it('records NOT_CONFIRMED for a chunk answered 5xx (some items may have been decided)', async () => {
    write('d.csv', `${header}${[1, 2, 3].map((n) => `${ulid(n)},approve,`).join('\n')}\n`);
    api.options.failBatchOnCall = { call: 1, status: 500 };
    const r = await run(['decide', '--batch', 'd.csv', '--chunk', '2'], { token: APPROVER });
    expect(r.code).toBe(1);
    expect(readResults('d.results.csv').map((x) => x.code)).toEqual([NOT_CONFIRMED, NOT_CONFIRMED, NOT_SENT]);
  });

  it('sends 50 items per request by default', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `${ulid(i + 1)},approve,`);
    write('d.csv', `${header}${rows.join('\n')}\n`);
    const r = await run(['decide', '--batch', 'd.csv'], { token: APPROVER });
    expect(r.code).toBe(0);
    expect(batches().map((b) => (b.body as { items: unknown[] }).items.length)).toEqual([50, 50, 20]);
    expect(readResults('d.results.csv')).toHaveLength(120);
  });

  it('records NOT_CONFIRMED for a chunk whose answer was lost; the re-run learns it from the replay', async () => {
    write('d.csv', `${header}${[1, 2, 3].map((n) => `${ulid(n)},approve,`).join('\n')}\n`);
    api.options.dropBatchOnCall = 2;
    const r = await run(['decide', '--batch', 'd.csv', '--chunk', '2'], { token: APPROVER });
    expect(r.code).toBe(1);
    expect(readResults('d.results.csv').map((x) => x.code)).toEqual(['', '', NOT_CONFIRMED]);
    const again = await run(['decide', '--batch', 'd.csv', '--chunk', '2'], { token: APPROVER });
    expect(again.code).toBe(0);
    expect(readResults('d.results.csv').map((x) => x.status)).toEqual(['approved', 'approved', 'approved']);
    const keys = batches().map((b) => b.headers['idempotency-key']);
    expect(keys[3]).toBe(keys[1]); // the lost chunk was sent again under its key
  });

  it('shows a progress bar on a terminal, none with --quiet', async () => {
    write('d.csv', `${header}${ulid(1)},approve,\n`);
    const tty = await run(['decide', '--batch', 'd.csv'], { token: APPROVER, stderrIsTTY: true });
    expect(tty.err).toContain('deciding [');
    const quiet = await run(['decide', '--batch', 'd.csv', '--quiet'], {
      token: APPROVER,
      stderrIsTTY: true,
    });
    expect(quiet.err).toBe('');
  });

  it('refuses a bad --chunk and a missing token before reading anything', async () => {
    write('d.csv', `${header}${ulid(1)},approve,\n`);
    expect((await run(['decide', '--batch', 'd.csv', '--chunk', '201'], { token: APPROVER })).code).toBe(2);
    const noToken = await run(['decide', '--batch', 'd.csv']);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('no token');
    expect(api.requests).toEqual([]);
  });
});

describe('relief reconcile', () => {
  const statement = 'packageId,transactionRef,amountFen,paidAt\nPKG-OK,人保-1,300000,2026-12-01\n';

  it('posts the statement bytes as text/csv and prints every kind of discrepancy with its line', async () => {
    write('s.csv', gbk(statement));
    const r = await run(['reconcile', 's.csv', '--campaign', 'demo'], { token: SPC });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const post = api.requests.find((q) => q.path === '/campaigns/demo/reconciliations');
    expect(post?.headers['content-type']).toBe('text/csv');
    expect(post?.body).toEqual(gbk(statement));
    expect(post?.headers['idempotency-key']).toMatch(/^reconcile-/);
    expect(r.out).toMatch(/matched\s+1 {2}\(3,000.00 yuan\)/);
    expect(r.out).toMatch(/missing from statement\s+1\n/);
    expect(r.out).toMatch(/^PKG-MISSING-1\s+01JAPPMISSING0000000000000\s+approved\s+2,500.00$/m);
    expect(r.out).toMatch(/^ {3}3\s+PKG-NOBODY\s+PICC-9\s+10.00$/m);
    expect(r.out).toMatch(
      /^ {3}4\s+PKG-MISMATCH\s+01JAPPMISMATCH000000000000\s+5,000.00\s+4,500.00\s+-500.00$/m,
    );
    expect(r.out).toMatch(/^ {3}5\s+PKG-OK\s+2\s+PICC-1$/m);
    expect(r.out).toContain('4 discrepancy(ies)');
  });

  it('prints the stored reconciliation as JSON with --json', async () => {
    write('s.csv', statement);
    const r = await run(['reconcile', 's.csv', '--campaign', 'demo', '--json'], { token: SPC });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(FAKE_RECONCILIATION);
  });

  it('shows the server’s row and column problems of a refused statement, exit 2', async () => {
    write('s.csv', `${statement}BAD\n`);
    const r = await run(['reconcile', 's.csv', '--campaign', 'demo'], { token: SPC });
    expect(r.code).toBe(2);
    expect(r.err).toContain('s.csv:1: colour: UNKNOWN_COLUMN');
    expect(r.err).toContain('s.csv:3: amountFen: NEGATIVE_AMOUNT row 3, column amountFen: negative.');
    expect(r.err).toContain('2 problem(s) (STATEMENT_INVALID); nothing was stored');
    expect(r.out).toBe('');
  });

  it('exits 1 with the problem for an unknown campaign or a token that may not reconcile', async () => {
    write('s.csv', statement);
    const unknown = await run(['reconcile', 's.csv', '--campaign', 'nope'], { token: SPC });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('HTTP 404');
    const clerk = await run(['reconcile', 's.csv', '--campaign', 'demo'], { token: APPROVER });
    expect(clerk.code).toBe(1);
    expect(clerk.err).toContain('HTTP 403');
    expect((await run(['reconcile', 's.csv'], { token: SPC })).code).toBe(2); // --campaign required
    expect((await run(['reconcile', 'missing.csv', '--campaign', 'demo'], { token: SPC })).code).toBe(2);
  });
});
