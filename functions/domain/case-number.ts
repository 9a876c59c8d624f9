/**
 * Chinese case numbers (案号), per the SPC's 2016 rules on case numbers: `(2018)京0105执1234号`.
 *
 * Grammar: open bracket · 4-digit year · close bracket · court prefix (法院代字) · case word (类型代字) ·
 * serial (顺序号) · 号.
 * - Brackets: half-width `()`, full-width `（）` or tortoise-shell `〔〕`; open and close may be any of
 *   these (typing mixes them); the normalised form always uses half-width `()`.
 * - Full-width digits `０-９` anywhere are read as ASCII digits (normalised form uses ASCII).
 * - Court prefix: `最高法` (the SPC), or one province designation of the court registry (see
 *   `PROVINCE_ABBREVIATIONS`, plus `兵` for the XPCC branch) followed by 0, 2 or 4 digits: "" = high
 *   court, "01" = intermediate court, "0105" = basic court. Other digit counts (1, 3, 5+) are a FORMAT
 *   failure, and so is a head that is no designation (蒙, 贵). Whether the prefix names the executing
 *   court is the eligibility check's business (CASE_COURT_MISMATCH), not the grammar's.
 * - Serial: 1-6 digits without a leading zero.
 * - Year: 1990-2100 inclusive, otherwise YEAR.
 * - Case word: only the enforcement family (`ENFORCEMENT_CASE_WORDS`) parses; any other word of
 *   Chinese characters (e.g. 民初) is NOT_ENFORCEMENT.
 * Surrounding whitespace is ignored; whitespace inside is a FORMAT failure.
 */
import { PROVINCE_DESIGNATIONS } from './provinces.ts';

/** Court prefix of the XPCC branch of the Xinjiang High Court and its courts. */
export const XPCC_ABBREVIATION = '兵';
/**
 * The 31 province-level designations (法院代字) used as court prefixes, taken from the court registry:
 * 京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新. Inner Mongolia is 内 and Guizhou
 * 黔; 蒙 and 贵 are no designation and do not parse.
 */
export const PROVINCE_ABBREVIATIONS: string = PROVINCE_DESIGNATIONS.filter(
  (p) => p.abbr !== XPCC_ABBREVIATION,
)
  .map((p) => p.abbr)
  .join('');
/** Court prefix of the Supreme People's Court. */
export const SPC_CASE_PREFIX = '最高法';

export const MIN_CASE_YEAR = 1990;
export const MAX_CASE_YEAR = 2100;

export type EnforcementKind = 'implementation' | 'preservation' | 'review';

/**
 * The enforcement family of case words (执行类案件类型代字) and the class each belongs to:
 * implementation (执行实施类) for 执/执恢, preservation (财产保全执行) for 执保, review (执行审查类 and other
 * non-implementation matters) for the rest.
 */
export const ENFORCEMENT_CASE_WORDS: Readonly<Record<string, { kind: EnforcementKind; nameZh: string }>> =
  Object.freeze({
    执: { kind: 'implementation', nameZh: '首次执行' },
    执恢: { kind: 'implementation', nameZh: '恢复执行' },
    执保: { kind: 'preservation', nameZh: '财产保全执行' },
    执异: { kind: 'review', nameZh: '执行异议' },
    执复: { kind: 'review', nameZh: '执行复议' },
    执监: { kind: 'review', nameZh: '执行监督' },
    执协: { kind: 'review', nameZh: '执行协调' },
    执他: { kind: 'review', nameZh: '其他执行' },
    执请: { kind: 'review', nameZh: '执行请示' },
  });

export interface CaseNumberParts {
  year: number;
  courtPrefix: string;
  caseWord: string;
  serial: number;
}

export interface CaseNumber extends CaseNumberParts {
  /** Half-width brackets, ASCII digits: `(2018)京0105执1234号`. */
  normalized: string;
  kind: EnforcementKind;
}

export type CaseNumberSyntaxResult =
  | { ok: true; value: CaseNumberParts & { normalized: string } }
  | { ok: false; reason: 'FORMAT' | 'YEAR' };

export type CaseNumberResult =
  | { ok: true; value: CaseNumber }
  | { ok: false; reason: 'FORMAT' | 'YEAR' | 'NOT_ENFORCEMENT' };

const OPEN = '(（〔';
const CLOSE = ')）〕';
const SYNTAX = new RegExp(
  `^[${OPEN}](\\d+)[${CLOSE}](${SPC_CASE_PREFIX}|[${PROVINCE_ABBREVIATIONS}${XPCC_ABBREVIATION}])(\\d*)([\\u4e00-\\u9fff]{1,5})(\\d+)号$`,
  'u',
);

function toAsciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48));
}

/** Formats parts as a case number. `style` picks the brackets: 'half' `()` (default), 'full' `（）`, 'tortoise' `〔〕`. */
export function formatCaseNumber(
  parts: CaseNumberParts,
  style: 'half' | 'full' | 'tortoise' = 'half',
): string {
  const [open, close] = style === 'full' ? ['（', '）'] : style === 'tortoise' ? ['〔', '〕'] : ['(', ')'];
  return `${open}${parts.year}${close}${parts.courtPrefix}${parts.caseWord}${parts.serial}号`;
}

/**
 * Parses the structure of any case number, whatever its case word (民初, 执, …). Used where the court
 * prefix matters even for non-enforcement numbers; most callers want `parseCaseNumber`.
 */
export function parseCaseNumberSyntax(input: string): CaseNumberSyntaxResult {
  if (typeof input !== 'string') return { ok: false, reason: 'FORMAT' };
  const m = SYNTAX.exec(toAsciiDigits(input.trim()));
  if (!m) return { ok: false, reason: 'FORMAT' };
  const [, yearText = '', prefixHead = '', prefixDigits = '', caseWord = '', serialText = ''] = m;
  if (yearText.length !== 4) return { ok: false, reason: 'FORMAT' };
  if (prefixHead === SPC_CASE_PREFIX ? prefixDigits.length !== 0 : ![0, 2, 4].includes(prefixDigits.length)) {
    return { ok: false, reason: 'FORMAT' };
  }
  if (!/^[1-9]\d{0,5}$/.test(serialText)) return { ok: false, reason: 'FORMAT' };
  const year = Number(yearText);
  if (year < MIN_CASE_YEAR || year > MAX_CASE_YEAR) return { ok: false, reason: 'YEAR' };
  const parts: CaseNumberParts = {
    year,
    courtPrefix: prefixHead + prefixDigits,
    caseWord,
    serial: Number(serialText),
  };
  return { ok: true, value: { ...parts, normalized: formatCaseNumber(parts) } };
}

/**
 * Parses an enforcement case number. FORMAT and YEAR as in `parseCaseNumberSyntax`; a well-formed
 * number whose case word is not in `ENFORCEMENT_CASE_WORDS` is NOT_ENFORCEMENT. `kind` tells whether it
 * is an implementation case (执/执恢), a preservation case (执保) or a review-type matter (the rest).
 */
export function parseCaseNumber(input: string): CaseNumberResult {
  const syntax = parseCaseNumberSyntax(input);
  if (!syntax.ok) return syntax;
  const word = Object.hasOwn(ENFORCEMENT_CASE_WORDS, syntax.value.caseWord)
    ? ENFORCEMENT_CASE_WORDS[syntax.value.caseWord]
    : undefined;
  if (!word) return { ok: false, reason: 'NOT_ENFORCEMENT' };
  return { ok: true, value: { ...syntax.value, kind: word.kind } };
}
