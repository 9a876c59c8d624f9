/**
 * The candidate CSV of `relief screen` (排查名单): one row per candidate application, its columns
 * mapping flatly onto the POST /applications body (without campaignId). Each row is converted and then
 * checked against the API's own zod schema (functions/http/schemas.ts), so a row that passes
 * here is well-formed for the server; whether it is *eligible* is the server's answer.
 *
 * Conventions: cells are trimmed; amounts are yuan with at most two decimals ("30000", "30000.5",
 * "30,000.00"), converted to fen exactly; yes/no cells take 是/否, true/false, yes/no or 1/0;
 * enumerations take the API code or the Chinese term (category: the code or its 案件类型 label).
 */
import type * as z from 'zod';
import { CATEGORIES, CATEGORY_LABELS_ZH } from '../functions/domain/eligibility.ts';
import { identityKeyOf } from '../functions/domain/id-number.ts';
import { yuanToFen } from '../functions/domain/money.ts';
import { CreateApplicationBody } from '../functions/http/schemas.ts';
import { readCsvTable } from './csv.ts';
import { InputError, type InputIssue } from './errors.ts';

/** One candidate as sent to POST /eligibility-checks: the POST /applications body without campaignId. */
export const CandidateBody = CreateApplicationBody.omit({ campaignId: true });
export type CandidateBody = z.infer<typeof CandidateBody>;

type Parsed = { ok: true; value: unknown } | { ok: false; message: string; messageZh: string };
type Kind = 'text' | 'optional-text' | 'yes-no' | 'yuan' | { aliases: Readonly<Record<string, string>> };

export interface CandidateColumn {
  name: string;
  /** Dotted path in the request body. */
  path: string;
  /** Must the header have this column? Optional columns may be left out or left blank. */
  required: boolean;
  /** May a cell be blank? (A blank optional cell leaves the field out of the body.) */
  blankAllowed: boolean;
  kind: Kind;
  descriptionZh: string;
}

const lower = (entries: [string, string][]) =>
  Object.freeze(Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v])));

const CATEGORY_ALIASES = lower([
  ...CATEGORIES.map((c): [string, string] => [c, c]),
  ...CATEGORIES.map((c): [string, string] => [CATEGORY_LABELS_ZH[c], c]),
  // the label without its leading 追索 (e.g. 劳动报酬, 赡养费)
  ...CATEGORIES.filter((c) => CATEGORY_LABELS_ZH[c].startsWith('追索')).map((c): [string, string] => [
    CATEGORY_LABELS_ZH[c].slice(2),
    c,
  ]),
]);
const KIND_ALIASES = lower([
  ['enforcement', 'enforcement'],
  ['执行', 'enforcement'],
  ['执行实施', 'enforcement'],
  ['preservation', 'preservation'],
  ['保全', 'preservation'],
  ['财产保全', 'preservation'],
]);
const ID_TYPE_ALIASES = lower([
  ['resident-id', 'resident-id'],
  ['居民身份证', 'resident-id'],
  ['身份证', 'resident-id'],
  ['other', 'other'],
  ['其他', 'other'],
  ['其他证件', 'other'],
]);
const APPLICANT_KIND_ALIASES = lower([
  ['natural-person', 'natural-person'],
  ['自然人', 'natural-person'],
  ['legal-person', 'legal-person'],
  ['法人', 'legal-person'],
  ['other-organization', 'other-organization'],
  ['其他组织', 'other-organization'],
  ['非法人组织', 'other-organization'],
]);

const col = (
  name: string,
  path: string,
  kind: Kind,
  descriptionZh: string,
  opts: { required?: boolean; blankAllowed?: boolean } = {},
): CandidateColumn => ({
  name,
  path,
  kind,
  descriptionZh,
  required: opts.required ?? true,
  blankAllowed: opts.blankAllowed ?? false,
});

/** The columns, in the order the sample and the documentation list them. */
export const CANDIDATE_COLUMNS: readonly CandidateColumn[] = Object.freeze([
  col('caseNumber', 'case.caseNumber', 'text', '案号，如（2024）京0105执1234号'),
  col(
    'category',
    'case.category',
    { aliases: CATEGORY_ALIASES },
    '案件类型：代码（labor-remuneration…）或中文',
  ),
  col(
    'categoryReason',
    'case.categoryReason',
    'optional-text',
    '其他涉民生案件的救助理由（category=other 时必填）',
    {
      required: false,
      blankAllowed: true,
    },
  ),
  col('kind', 'case.kind', { aliases: KIND_ALIASES }, '案件种类：enforcement/执行 或 preservation/保全'),
  col('claimAmountYuan', 'case.claimAmountFen', 'yuan', '申请执行标的金额（元，最多两位小数）'),
  col('concluded', 'case.concluded', 'yes-no', '是否已执结（是/否）'),
  col('terminationMet', 'case.terminationConditions.met', 'yes-no', '是否符合终结本次执行程序条件（是/否）'),
  col('terminationBasis', 'case.terminationConditions.basis', 'text', '终本依据', { blankAllowed: true }),
  col('applicantName', 'applicant.name', 'text', '申请执行人姓名'),
  col(
    'applicantKind',
    'applicant.kind',
    { aliases: APPLICANT_KIND_ALIASES },
    '申请执行人类型：自然人/法人/其他组织',
    {
      required: false,
      blankAllowed: true,
    },
  ),
  col(
    'idType',
    'applicant.idType',
    { aliases: ID_TYPE_ALIASES },
    '证件类型：resident-id/居民身份证 或 other/其他',
  ),
  col('idNumber', 'applicant.idNumber', 'text', '证件号码'),
  col('phone', 'applicant.phone', 'optional-text', '联系电话', { required: false, blankAllowed: true }),
  col('hardshipStatement', 'hardship.statement', 'text', '生活困难情况说明', { blankAllowed: true }),
  col('consent', 'consentToTermination', 'yes-no', '是否同意救助后终结执行（是/否）'),
  col('priorRelief', 'priorJudicialRelief', 'yes-no', '此前是否已获司法救助（是/否）'),
  col('specialReason', 'specialCircumstance.reason', 'optional-text', '特殊情况说明（标的超过5万元时必填）', {
    required: false,
    blankAllowed: true,
  }),
  col('reliefAmountYuan', 'reliefAmountFen', 'yuan', '拟救助金额（元，最多两位小数）'),
  col('bankName', 'bankAccount.bankName', 'text', '开户行'),
  col('holderName', 'bankAccount.holderName', 'text', '开户人姓名'),
  col('holderIdNumber', 'bankAccount.holderIdNumber', 'text', '开户人证件号码'),
  col('accountNumber', 'bankAccount.accountNumber', 'text', '银行账号'),
]);

export const CANDIDATE_COLUMN_NAMES: readonly string[] = CANDIDATE_COLUMNS.map((c) => c.name);
const COLUMN_BY_PATH = new Map(CANDIDATE_COLUMNS.map((c) => [c.path, c.name]));

const YES = new Set(['是', 'true', 'yes', '1']);
const NO = new Set(['否', 'false', 'no', '0']);

function parseCell(column: CandidateColumn, raw: string): Parsed | undefined {
  const value = raw.trim();
  if (value === '') {
    if (column.blankAllowed) return column.kind === 'text' ? { ok: true, value: '' } : undefined;
    return { ok: false, message: 'is empty', messageZh: '不能为空' };
  }
  const kind = column.kind;
  if (kind === 'text' || kind === 'optional-text') return { ok: true, value };
  if (kind === 'yes-no') {
    const v = value.normalize('NFKC').toLowerCase();
    if (YES.has(v)) return { ok: true, value: true };
    if (NO.has(v)) return { ok: true, value: false };
    return {
      ok: false,
      message: `expected 是/否 or true/false, got ${JSON.stringify(value)}`,
      messageZh: `应填“是”或“否”，实为“${value}”`,
    };
  }
  if (kind === 'yuan') {
    try {
      return { ok: true, value: yuanToFen(value.normalize('NFKC')) };
    } catch {
      return {
        ok: false,
        message: `expected an amount in yuan with at most two decimals, got ${JSON.stringify(value)}`,
        messageZh: `应为以元为单位、最多两位小数的金额，实为“${value}”`,
      };
    }
  }
  const mapped = kind.aliases[value.normalize('NFKC').toLowerCase()];
  if (mapped !== undefined) return { ok: true, value: mapped };
  const codes = [...new Set(Object.values(kind.aliases))];
  return {
    ok: false,
    message: `unknown value ${JSON.stringify(value)} (expected one of ${codes.join(', ')} or the Chinese term)`,
    messageZh: `取值“${value}”无效`,
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function zodMessageZh(code: string): string {
  if (code === 'too_big') return '超过长度或金额上限';
  if (code === 'too_small') return '低于下限（金额须大于0）';
  if (code === 'invalid_format') return '格式不正确';
  return '不符合要求';
}

/** Converts one CSV record into a candidate body, or the list of everything wrong with it. */
export function candidateFromRecord(
  values: Readonly<Record<string, string>>,
  line: number,
): { body: CandidateBody; issues: [] } | { body: undefined; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const body: Record<string, unknown> = {};
  for (const column of CANDIDATE_COLUMNS) {
    const raw = values[column.name];
    if (raw === undefined) continue; // optional column not in the header
    const parsed = parseCell(column, raw);
    if (parsed === undefined) continue;
    if (!parsed.ok) {
      issues.push({ line, column: column.name, message: parsed.message, messageZh: parsed.messageZh });
      continue;
    }
    // specialCircumstance.reason → { specialCircumstance: { reason } } and so on.
    setPath(body, column.path, parsed.value);
  }
  const result = CandidateBody.safeParse(body);
  if (!result.success) {
    const flagged = new Set(issues.map((i) => i.column));
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const column = COLUMN_BY_PATH.get(path) ?? path;
      if (flagged.has(column)) continue;
      flagged.add(column);
      issues.push({ line, column, message: issue.message, messageZh: zodMessageZh(issue.code) });
    }
  }
  if (issues.length > 0 || !result.success) return { body: undefined, issues };
  return { body: result.data, issues: [] };
}

export interface CandidateRow {
  line: number;
  /** The cells as read, by column name (written back unchanged to the result CSV). */
  cells: Readonly<Record<string, string>>;
  body: CandidateBody | undefined;
  issues: InputIssue[];
}

export interface CandidateFile {
  columns: string[];
  rows: CandidateRow[];
  /** Not errors: e.g. the same case and applicant on two lines. */
  warnings: string[];
}

const caseKey = (s: string) =>
  s.normalize('NFKC').replace(/\s+/g, '').replace(/[（]/g, '(').replace(/[）]/g, ')');

/**
 * Reads a candidate CSV. File-level problems (encoding, header, field counts, no rows) throw
 * InputError; row-level problems are returned on each row, so the caller decides to stop or skip.
 */
export function readCandidates(input: Uint8Array | string, file: string): CandidateFile {
  const table = readCsvTable(input, file, {
    known: CANDIDATE_COLUMN_NAMES,
    required: CANDIDATE_COLUMNS.filter((c) => c.required).map((c) => c.name),
  });
  if (table.records.length === 0) {
    throw new InputError(file, [
      { line: 2, message: 'no candidate rows after the header', messageZh: '没有数据行' },
    ]);
  }
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  const rows = table.records.map((record): CandidateRow => {
    const { body, issues } = candidateFromRecord(record.values, record.line);
    if (body) {
      const key = `${caseKey(body.case.caseNumber)}|${identityKeyOf(body.applicant.idNumber)}`;
      const first = seen.get(key);
      if (first !== undefined) {
        warnings.push(`line ${record.line}: same case and applicant as line ${first}`);
      } else {
        seen.set(key, record.line);
      }
    }
    return { line: record.line, cells: record.values, body, issues };
  });
  return { columns: table.columns, rows, warnings };
}
