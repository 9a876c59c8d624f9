import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertWritableTarget, writeFileAtomic } from '../../../cli/atomic.ts';
import { readCandidates } from '../../../cli/candidates.ts';
import { UsageError } from '../../../cli/errors.ts';
import { sampleCandidatesCsv } from '../../../cli/make-sample.ts';
import { createProgress } from '../../../cli/progress.ts';
import { INVALID_INPUT, invalidOutcome, type Outcome, resultCsv, summarize } from '../../../cli/results.ts';
import { displayWidth, renderTable } from '../../../cli/table.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-cli-out-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the result CSV', () => {
  const file = readCandidates(sampleCandidatesCsv(), 'candidates.csv');
  const rows = file.rows.slice(0, 3);
  const outcomes: Outcome[] = [
    { eligible: true, failures: [] },
    {
      eligible: false,
      failures: [
        {
          code: 'INVALID_ID_NUMBER',
          path: 'applicant.idNumber',
          messageZh: '申请执行人的公民身份号码校验码错误。',
        },
        {
          code: 'INVALID_ID_NUMBER',
          path: 'bankAccount.holderIdNumber',
          messageZh: '开户人的公民身份号码校验码错误。',
        },
        { code: 'NO_CONSENT', path: 'consentToTermination', message: 'The applicant must agree.' },
      ],
    },
    {
      eligible: false,
      failures: [{ code: 'PRIOR_RELIEF', messageZh: '此前已因本案件向申请执行人进行过司法救助。' }],
    },
  ];

  it('repeats every input column unchanged and adds eligible, failureCodes and failureMessagesZh', () => {
    const text = resultCsv(file.columns, rows, outcomes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})).toEqual([
      ...file.columns,
      'eligible',
      'failureCodes',
      'failureMessagesZh',
    ]);
    records.forEach((r, i) => {
      for (const c of file.columns) expect(r[c]).toBe(rows[i]?.cells[c]);
    });
    expect(records.map((r) => r.eligible)).toEqual(['true', 'false', 'false']);
    // codes once each, ';'-separated; every message, the English one when no Chinese is given
    expect(records[1]?.failureCodes).toBe('INVALID_ID_NUMBER;NO_CONSENT');
    expect(records[1]?.failureMessagesZh).toBe(
      '申请执行人的公民身份号码校验码错误。 开户人的公民身份号码校验码错误。 The applicant must agree.',
    );
    expect(records[0]?.failureCodes).toBe('');
  });

  it('quotes cells with commas, quotes and line breaks so they read back intact', () => {
    const first = rows[0] as (typeof rows)[number];
    const row = { ...first, cells: { ...first.cells, hardshipStatement: '申请执行人, "外来"\n务工人员' } };
    const text = resultCsv(file.columns, [row], [{ eligible: true, failures: [] }]);
    const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(records[0]?.hardshipStatement).toContain('申请执行人, "外来"\n务工人员');
  });

  it('refuses a mismatch between rows and outcomes', () => {
    expect(() => resultCsv(file.columns, rows, outcomes.slice(1))).toThrow(/one outcome per row/);
  });

  it('records a locally invalid row as INVALID_INPUT with its line and column in Chinese', () => {
    const row = {
      ...(rows[0] as (typeof rows)[number]),
      issues: [{ line: 9, column: 'consent', message: 'x', messageZh: '应填“是”或“否”' }],
    };
    const outcome = invalidOutcome(row);
    expect(outcome).toEqual({
      eligible: false,
      failures: [
        { code: INVALID_INPUT, path: 'consent', message: 'x', messageZh: '第9行“consent”列：应填“是”或“否”' },
      ],
    });
  });

  it('summarizes totals and the most frequent failure codes by rows', () => {
    const s = summarize(
      [
        ...outcomes,
        { eligible: false, failures: [{ code: 'NO_CONSENT' }] },
        { eligible: false, failures: [{ code: INVALID_INPUT }] },
      ],
      1,
    );
    expect(s).toEqual({
      total: 5,
      eligible: 1,
      ineligible: 3,
      invalid: 1,
      topFailureCodes: [
        { code: 'NO_CONSENT', rows: 2 },
        { code: 'INVALID_ID_NUMBER', rows: 1 },
        { code: INVALID_INPUT, rows: 1 },
        { code: 'PRIOR_RELIEF', rows: 1 },
      ],
    });
  });
});

describe('atomic writes', () => {
  it('writes the whole content and leaves no temporary file', async () => {
    const target = path.join(dir, 'out.csv');
    expect(await writeFileAtomic(target, '甲,乙\n')).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('甲,乙\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('writes bytes unchanged and streams chunks', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeFileAtomic(path.join(dir, 'a.bin'), bytes);
    expect(readFileSync(path.join(dir, 'a.bin')).equals(bytes)).toBe(true);
    await writeFileAtomic(path.join(dir, 'b.txt'), ['one ', Buffer.from('two')]);
    expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('one two');
  });

  it('leaves no output file when the data fails after part of it was written', async () => {
    const target = path.join(dir, 'results.csv');
    let wrote = false;
    async function* failing() {
      yield 'caseNumber,eligible\n';
      yield '(2024)京0105执1号,true\n';
      wrote = true;
      throw new Error('disk on fire');
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('disk on fire');
    expect(wrote).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the previous file intact when a replacement fails midway', async () => {
    const target = path.join(dir, 'results.csv');
    writeFileSync(target, 'old complete content\n');
    function* failing() {
      yield 'new partial';
      throw new Error('interrupted');
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('interrupted');
    expect(readFileSync(target, 'utf8')).toBe('old complete content\n');
    expect(readdirSync(dir)).toEqual(['results.csv']);
  });

  it('replaces an existing file whole', async () => {
    const target = path.join(dir, 'results.csv');
    writeFileSync(target, 'a much longer previous content that must not survive as a tail\n');
    await writeFileAtomic(target, 'new\n');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('checks the target up front: a missing directory or a directory target is a usage error', () => {
    expect(() => assertWritableTarget(path.join(dir, 'no-such-dir', 'out.csv'))).toThrow(UsageError);
    expect(() => assertWritableTarget(dir)).toThrow(/is a directory/);
    expect(assertWritableTarget(path.join(dir, 'fine.csv'))).toBe(path.join(dir, 'fine.csv'));
  });
});

describe('tables', () => {
  it('aligns columns by display width, Chinese characters counting two', () => {
    expect(displayWidth('北京ab')).toBe(6);
    const text = renderTable(
      ['code', 'court', 'amount'],
      [
        ['BJ', '北京市高级人民法院', '1.00'],
        ['BT', '兵团分院', '1,000.00'],
      ],
      new Set([2]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines.map(displayWidth)).toEqual(
      [lines[1], lines[1], lines[1], lines[1]].map((l) => displayWidth(l ?? '')),
    );
    expect(lines[2]?.endsWith('    1.00')).toBe(true);
  });
});

describe('progress on stderr', () => {
  const capture = (isTTY: boolean) => {
    const chunks: string[] = [];
    return {
      stream: { isTTY, columns: 100, write: (c: string | Uint8Array) => chunks.push(String(c)) },
      text: () => chunks.join(''),
    };
  };

  it('draws a bar on a terminal', () => {
    const { stream, text } = capture(true);
    const p = createProgress(stream, 20, 'screening');
    p.update(10);
    p.update(20);
    p.stop();
    expect(text()).toMatch(/screening \[[^\]]+\] 20\/20 100%/);
    expect(text()).not.toContain('screening: ');
  });

  it('writes one plain line per step otherwise', () => {
    const { stream, text } = capture(false);
    const p = createProgress(stream, 20, 'screening');
    p.update(10);
    p.update(20);
    p.stop();
    expect(text()).toBe('screening: 10/20\nscreening: 20/20\n');
  });
});
