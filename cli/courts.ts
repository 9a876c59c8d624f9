/**
 * `relief courts import <courts.csv> [--dry-run | --apply]` (SPC, 法院代字表导入): the official designation
 * list replaces the generated registry data of the courts it names (upsert; docs/courts.md).
 *
 * The file is decoded (UTF-8 with or without BOM, else GBK/GB18030 as Excel saves it; anything else is
 * refused), every row is checked locally (header, code, level, yes/no cells, codes twice), then sent whole
 * to `POST /courts/imports`, which validates it against the registry as it would be after (unknown parent,
 * cycle, parent in another province, designation taken, …) before writing anything. Without --apply the
 * request is a dry run: the report of changes is printed and nothing is written. With --apply the same
 * report is printed for what was written. Every problem names its line and column; a refused file
 * changes nothing (exit 2). The request carries an Idempotency-Key for the run, so the client's retries
 * of a lost answer never import twice; rerunning the file later just reports what is left to change.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as z from 'zod';
import { decodeUtf8OrGbk } from '../functions/domain/text-encoding.ts';
import { CourtImportReport } from '../functions/http/schemas.ts';
import { readCsvTable } from './csv.ts';
import {
  EXIT_INPUT,
  EXIT_OK,
  HttpError,
  InputError,
  type InputIssue,
  ServerError,
  UsageError,
} from './errors.ts';
import type { ApiClient } from './http.ts';
import type { Io } from './io.ts';
import { printIssues } from './screen.ts';

export const COURT_COLUMNS = [
  'code',
  'name',
  'level',
  'parentCode',
  'province',
  'caseCourtPrefix',
  'directToHighCourt',
] as const;

export interface CourtRow {
  code: string;
  name: string;
  level: 'spc' | 'high' | 'intermediate' | 'basic';
  parentCode: string | null;
  province: string;
  caseCourtPrefix: string;
  directToHighCourt: boolean;
}

export interface CourtFile {
  encoding: 'utf-8' | 'gb18030';
  rows: CourtRow[];
  /** The file line of each row (same index). */
  lines: number[];
}

const LEVELS: Record<string, CourtRow['level']> = {
  spc: 'spc',
  high: 'high',
  intermediate: 'intermediate',
  basic: 'basic',
  最高: 'spc',
  高级: 'high',
  中级: 'intermediate',
  基层: 'basic',
};
const YES = new Set(['是', 'true', 'yes', '1']);
const NO = new Set(['否', 'false', 'no', '0', '']);
const CODE = /^(SPC|[A-Z]{2}(\d{2}|\d{4})?)$/;

/**
 * The text of a court file: strict UTF-8 (a BOM dropped), else strict GB18030 (a superset of GBK, what
 * Excel saves as "CSV" on a Chinese Windows). UTF-16, binary and anything neither decodes is refused.
 */
export function decodeCourtFile(
  bytes: Uint8Array,
  file: string,
): { text: string; encoding: CourtFile['encoding'] } {
  const refuse = (message: string, messageZh: string): never => {
    throw new InputError(file, [{ line: 1, message, messageZh }]);
  };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    refuse(
      'the file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" or "CSV" (GBK)',
      '文件为UTF-16编码，请另存为“CSV UTF-8”或“CSV”（GBK）格式',
    );
  }
  if (bytes.includes(0)) {
    refuse(
      'the file is not text (it holds NUL bytes): is it an .xlsx?',
      '文件不是文本文件（是否为.xlsx？），请另存为CSV',
    );
  }
  const decoded = decodeUtf8OrGbk(bytes);
  if (decoded) return decoded;
  return refuse(
    'the file is neither UTF-8 nor GBK text; save it as "CSV UTF-8"',
    '文件既不是UTF-8也不是GBK编码，请另存为“CSV UTF-8”格式',
  );
}

/** Reads and checks a court file; throws InputError listing every bad cell with its line and column. */
export function readCourtFile(bytes: Uint8Array, file: string): CourtFile {
  const { text, encoding } = decodeCourtFile(bytes, file);
  const table = readCsvTable(text, file, { known: COURT_COLUMNS, required: COURT_COLUMNS });
  const issues: InputIssue[] = [];
  const rows: CourtRow[] = [];
  const lines: number[] = [];
  const seen = new Map<string, number>();
  for (const { line, values } of table.records) {
    const cell = (name: (typeof COURT_COLUMNS)[number]) => (values[name] ?? '').normalize('NFKC').trim();
    const bad = (column: string, message: string, messageZh: string) =>
      issues.push({ line, column, message, messageZh });
    const before = issues.length;
    const code = cell('code').toUpperCase();
    if (!CODE.test(code))
      bad(
        'code',
        `not a court code: ${JSON.stringify(code)} (SPC, BJ, BJ01, BJ0105…)`,
        `法院代码“${code}”格式不正确`,
      );
    else if (seen.has(code))
      bad('code', `${code} is already on line ${seen.get(code)}`, `${code}与第${seen.get(code)}行重复`);
    else seen.set(code, line);
    const name = (values.name ?? '').trim();
    if (name === '') bad('name', 'is empty', '不能为空');
    const levelCell = cell('level');
    const level = LEVELS[levelCell.toLowerCase()];
    if (!level)
      bad(
        'level',
        `unknown level ${JSON.stringify(levelCell)} (spc, high, intermediate, basic or 最高/高级/中级/基层)`,
        `层级“${levelCell}”无效`,
      );
    const parent = cell('parentCode').toUpperCase();
    if (parent !== '' && !CODE.test(parent))
      bad('parentCode', `not a court code: ${JSON.stringify(parent)}`, `上级法院代码“${parent}”格式不正确`);
    const province = cell('province').toUpperCase();
    if (!/^[A-Z]{2,3}$/.test(province))
      bad(
        'province',
        `expected a province code such as BJ, NM, BT, got ${JSON.stringify(province)}`,
        `省份代码“${province}”无效`,
      );
    const prefix = (values.caseCourtPrefix ?? '').trim();
    if (prefix === '') bad('caseCourtPrefix', 'is empty', '不能为空');
    const directCell = cell('directToHighCourt').toLowerCase();
    if (!YES.has(directCell) && !NO.has(directCell))
      bad(
        'directToHighCourt',
        `expected 是/否 or true/false, got ${JSON.stringify(directCell)}`,
        `应填“是”或“否”，实为“${directCell}”`,
      );
    if (issues.length === before) {
      rows.push({
        code,
        name,
        level: level as CourtRow['level'],
        parentCode: parent === '' ? null : parent,
        province,
        caseCourtPrefix: prefix,
        directToHighCourt: YES.has(directCell),
      });
      lines.push(line);
    }
  }
  if (table.records.length === 0)
    issues.push({ line: 2, message: 'no court rows after the header', messageZh: '没有数据行' });
  if (issues.length > 0) throw new InputError(file, issues);
  return { encoding, rows, lines };
}

export interface CourtsImportOptions {
  file: string;
  apply: boolean;
}

type Report = z.infer<typeof CourtImportReport>;

const show = (v: unknown) => (v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

function printReport(io: Io, file: string, report: Report) {
  const say = (s: string) => io.stdout.write(`${s}\n`);
  for (const c of report.added)
    say(`+ ${c.code} ${c.name} (${c.caseCourtPrefix}, under ${c.parentCode ?? '-'})`);
  for (const c of report.changed) {
    say(`~ ${c.code} ${c.name}`);
    for (const [field, { from, to }] of Object.entries(c.changes))
      say(`    ${field}: ${show(from)} → ${show(to)}`);
  }
  const counts = `${report.added.length} added, ${report.changed.length} changed, ${report.unchanged} unchanged`;
  if (report.dryRun)
    say(`${file}: ${report.total} court(s): ${counts}; dry run, nothing written (--apply to import)`);
  else if (report.applied)
    say(`${file}: ${report.total} court(s): ${counts}; imported (registry version ${report.version})`);
  else say(`${file}: ${report.total} court(s): ${counts}; nothing to change`);
}

export async function importCourtsFile(
  opts: CourtsImportOptions,
  client: ApiClient,
  io: Io,
): Promise<number> {
  const input = path.resolve(io.cwd, opts.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const parsed = readCourtFile(bytes, opts.file);
  if (parsed.encoding !== 'utf-8') io.stderr.write(`${opts.file}: read as GBK (GB18030)\n`);
  client.requireToken();
  const body = { dryRun: !opts.apply, courts: parsed.rows };
  // One key per run: the client's retries of a throttled or lost call are answered with the first
  // result; a later run of the same file is judged afresh (and reports "nothing to change").
  const key = `courts-import-${randomUUID()}`;
  let answer: unknown;
  try {
    answer = await client.json('POST', '/courts/imports', {
      body,
      retry: true,
      headers: { 'idempotency-key': key },
    });
  } catch (err) {
    const issues = err instanceof HttpError ? rowIssuesOf(err, parsed.lines) : [];
    if (issues.length === 0) throw err;
    printIssues(io, opts.file, issues);
    io.stderr.write(
      `relief: ${opts.file}: ${issues.length} problem(s) (${err instanceof HttpError ? err.problem?.code : ''}); nothing was imported\n`,
    );
    return EXIT_INPUT;
  }
  const report = CourtImportReport.safeParse(answer);
  if (!report.success) throw new ServerError('POST /courts/imports: the answer is not an import report');
  printReport(io, opts.file, report.data);
  return EXIT_OK;
}

/** The server's refusal (409/422 with errors at courts/<index>/<field>) as issues at the file's lines. */
function rowIssuesOf(err: HttpError, lines: readonly number[]): InputIssue[] {
  if (err.status !== 409 && err.status !== 422 && err.status !== 413) return [];
  const errors = err.problem?.errors ?? [];
  if (errors.length === 0) {
    return err.status === 413
      ? [
          {
            line: 1,
            message: `${err.problem?.code ?? ''} ${err.problem?.detail ?? ''}`.trim(),
            messageZh: '',
          },
        ]
      : [];
  }
  return errors.map((e) => {
    const m = /^courts\/(\d+)\/(\w+)$/.exec(e.path ?? '');
    const line = m ? (lines[Number(m[1])] ?? 0) : 0;
    const reg = /^registry\/(\w+)\/(\w+)$/.exec(e.path ?? '');
    return {
      line,
      column: m?.[2] ?? reg?.[2],
      message: `${e.code ?? ''} ${reg ? `(court ${reg[1]}, not in the file) ` : ''}${e.message ?? ''}`.trim(),
      messageZh: e.messageZh ?? '',
    };
  });
}
