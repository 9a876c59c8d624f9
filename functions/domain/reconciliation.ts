/**
 * 对账: the insurer's payment statement against the packages the courts approved. Pure: decoding,
 * parsing (RFC 4180 via csv-parse) and matching; every refusal names the row and the column.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { decodeUtf8OrGbk } from './text-encoding.ts';

export const STATEMENT_COLUMNS = ['packageId', 'transactionRef', 'amountFen', 'paidAt'] as const;
type Column = (typeof STATEMENT_COLUMNS)[number];

export interface StatementIssue {
  code: string;
  /** `header.<column>`, `rows[<n>].<column>` (n: 1-based line of the file) or `body`. */
  path: string;
  message: string;
  messageZh: string;
}

export class StatementError extends Error {
  override name = 'StatementError';
  constructor(readonly issues: StatementIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

export interface StatementRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  row: number;
  packageId: string;
  transactionRef: string;
  amountFen: number;
  paidAt: string;
}

/** UTF-8 (a BOM is dropped) or, failing that, GBK/GB18030; anything else is refused. */
export function decodeStatement(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  // The insurer's finance systems export UTF-8 or GBK.
  const decoded = decodeUtf8OrGbk(bytes);
  if (decoded) return decoded;
  throw new StatementError([
    {
      code: 'INVALID_ENCODING',
      path: 'body',
      message: 'The statement is neither UTF-8 nor GBK text.',
      messageZh: '对账单既不是UTF-8编码也不是GBK编码的文本。',
    },
  ]);
}

const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A calendar date or an ISO 8601 date-time (a time without offset is Beijing time); undefined if not one. */
export function parsePaidAt(value: string): string | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', zone] = m;
  const offset =
    zone === undefined ? '+08:00' : zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${offset}`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  // Reject rollovers such as 2026-02-30 (Date would move them into March).
  const local = new Date(at.getTime() + (offset === 'Z' ? 0 : offsetMinutes(offset)) * 60_000);
  if (local.getUTCDate() !== Number(d) || local.getUTCMonth() + 1 !== Number(mo) || Number(h) > 23)
    return undefined;
  return at.toISOString();
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hh, mm] = offset.slice(1).split(':');
  return sign * (Number(hh) * 60 + Number(mm));
}

const cell = (row: number, column: string) => `rows[${row}].${column}`;

function amountIssue(row: number, raw: string): StatementIssue | undefined {
  if (/^\d+$/.test(raw)) return Number.isSafeInteger(Number(raw)) ? undefined : tooLarge(row);
  const where = `row ${row}, column amountFen`;
  const whereZh = `第${row}行 amountFen 列`;
  if (/^-\d+(\.\d+)?$/.test(raw))
    return {
      code: 'NEGATIVE_AMOUNT',
      path: cell(row, 'amountFen'),
      message: `${where}: "${raw}" is negative; amounts are whole fen, at least 0.`,
      messageZh: `${whereZh}：“${raw}”为负数，金额须为不小于0的整数（分）。`,
    };
  if (/^\d+\.\d+$/.test(raw))
    return {
      code: 'FRACTIONAL_AMOUNT',
      path: cell(row, 'amountFen'),
      message: `${where}: "${raw}" has a fraction; amounts are whole fen (1 yuan = 100).`,
      messageZh: `${whereZh}：“${raw}”含小数，金额须为整数（分，1元=100分）。`,
    };
  return {
    code: 'INVALID_AMOUNT',
    path: cell(row, 'amountFen'),
    message: `${where}: "${raw}" is not a whole number of fen.`,
    messageZh: `${whereZh}：“${raw}”不是整数金额（分）。`,
  };
}

function tooLarge(row: number): StatementIssue {
  return {
    code: 'INVALID_AMOUNT',
    path: cell(row, 'amountFen'),
    message: `row ${row}, column amountFen: the amount is too large.`,
    messageZh: `第${row}行 amountFen 列：金额过大。`,
  };
}

/** Parses a decoded statement: the header names exactly the four columns (any order); every row is checked. */
export function parseStatement(text: string): StatementRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = error instanceof CsvError ? ((error as CsvError & { lines?: number }).lines ?? 0) : 0;
    throw new StatementError([
      {
        code: 'MALFORMED_CSV',
        path: `rows[${line}]`,
        message: `The statement is not valid CSV near line ${line} (an unclosed quote?).`,
        messageZh: `对账单第${line}行附近不是有效的CSV格式（引号未闭合？）。`,
      },
    ]);
  }
  const [head, ...body] = records.filter((r) => r.record.some((c) => c !== ''));
  const issues: StatementIssue[] = [];
  const header = (head?.record ?? []).map((h) => h.trim());
  const index = new Map<Column, number>();
  header.forEach((name, i) => {
    const known = STATEMENT_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!known || index.has(known)) {
      issues.push({
        code: known ? 'DUPLICATE_COLUMN' : 'UNKNOWN_COLUMN',
        path: `header.${name}`,
        message: `Header, column ${i + 1}: "${name}" is ${known ? 'a repeated' : 'not a'} statement column (expected ${STATEMENT_COLUMNS.join(', ')}).`,
        messageZh: `表头第${i + 1}列：“${name}”${known ? '重复' : '不是对账单的列'}（应为 ${STATEMENT_COLUMNS.join(', ')}）。`,
      });
    } else index.set(known, i);
  });
  for (const c of STATEMENT_COLUMNS) {
    if (!index.has(c))
      issues.push({
        code: 'MISSING_COLUMN',
        path: `header.${c}`,
        message: `Header: the column "${c}" is missing.`,
        messageZh: `表头缺少“${c}”列。`,
      });
  }
  if (issues.length > 0) throw new StatementError(issues);
  const rows: StatementRow[] = [];
  for (const { record, info } of body) {
    // info.lines: the line where the record ends; a quoted cell may span lines, so count back.
    const row = info.lines - (record.join(',').match(/\n/g)?.length ?? 0);
    const value = (c: Column) => record[index.get(c) as number] ?? '';
    if (record.length > header.length)
      issues.push({
        code: 'EXTRA_CELLS',
        path: `rows[${row}]`,
        message: `row ${row}: ${record.length} cells, the header has ${header.length}.`,
        messageZh: `第${row}行：有${record.length}个单元格，表头只有${header.length}列。`,
      });
    for (const c of ['packageId', 'transactionRef'] as const) {
      if (value(c) === '')
        issues.push({
          code: 'VALUE_REQUIRED',
          path: cell(row, c),
          message: `row ${row}, column ${c}: empty.`,
          messageZh: `第${row}行 ${c} 列为空。`,
        });
    }
    const amount = amountIssue(row, value('amountFen'));
    if (amount) issues.push(amount);
    const paidAt = parsePaidAt(value('paidAt'));
    if (!paidAt)
      issues.push({
        code: 'INVALID_DATE',
        path: cell(row, 'paidAt'),
        message: `row ${row}, column paidAt: "${value('paidAt')}" is not a date (YYYY-MM-DD or ISO 8601, e.g. 2026-12-01T15:15:00+08:00).`,
        messageZh: `第${row}行 paidAt 列：“${value('paidAt')}”不是有效日期（YYYY-MM-DD 或 ISO 8601）。`,
      });
    if (!amount && paidAt)
      rows.push({
        row,
        packageId: value('packageId'),
        transactionRef: value('transactionRef'),
        amountFen: Number(value('amountFen')),
        paidAt,
      });
  }
  if (issues.length > 0) throw new StatementError(issues.slice(0, 100));
  return rows;
}

/** A package the system sent to the insurer, as reconciliation sees it. */
export interface ApprovedPackage {
  packageId: string;
  applicationId: string;
  status: string;
  amountFen: number;
  transactionRef?: string;
}

export interface ReconciliationResult {
  rows: number;
  matched: number;
  matchedFen: number;
  missingFromStatement: { packageId: string; applicationId: string; status: string; amountFen: number }[];
  unknownPackages: { row: number; packageId: string; transactionRef: string; amountFen: number }[];
  amountMismatches: {
    row: number;
    packageId: string;
    applicationId: string;
    approvedFen: number;
    statedFen: number;
  }[];
  duplicates: { row: number; packageId: string; firstRow: number; transactionRef: string }[];
  /** Paid on the statement but declined in the system (the insurer's webhook said so). */
  declinedButPaid: { row: number; packageId: string; applicationId: string }[];
}

/** Each statement row against the campaign's packages (declined ones included, to catch a paid decline). */
export function reconcile(rows: StatementRow[], packages: ApprovedPackage[]): ReconciliationResult {
  const byId = new Map(packages.map((p) => [p.packageId, p]));
  const seen = new Map<string, number>();
  const out: ReconciliationResult = {
    rows: rows.length,
    matched: 0,
    matchedFen: 0,
    missingFromStatement: [],
    unknownPackages: [],
    amountMismatches: [],
    duplicates: [],
    declinedButPaid: [],
  };
  for (const r of rows) {
    const first = seen.get(r.packageId);
    if (first !== undefined) {
      out.duplicates.push({
        row: r.row,
        packageId: r.packageId,
        firstRow: first,
        transactionRef: r.transactionRef,
      });
      continue;
    }
    seen.set(r.packageId, r.row);
    const pkg = byId.get(r.packageId);
    if (!pkg) {
      out.unknownPackages.push({
        row: r.row,
        packageId: r.packageId,
        transactionRef: r.transactionRef,
        amountFen: r.amountFen,
      });
    } else if (pkg.status === 'declined') {
      out.declinedButPaid.push({ row: r.row, packageId: r.packageId, applicationId: pkg.applicationId });
    } else if (pkg.amountFen !== r.amountFen) {
      out.amountMismatches.push({
        row: r.row,
        packageId: r.packageId,
        applicationId: pkg.applicationId,
        approvedFen: pkg.amountFen,
        statedFen: r.amountFen,
      });
    } else {
      out.matched++;
      out.matchedFen += r.amountFen;
    }
  }
  for (const p of packages) {
    if (p.status !== 'declined' && !seen.has(p.packageId))
      out.missingFromStatement.push({
        packageId: p.packageId,
        applicationId: p.applicationId,
        status: p.status,
        amountFen: p.amountFen,
      });
  }
  return out;
}
