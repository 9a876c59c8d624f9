/**
 * The termination ruling (终结执行裁定书) that closes (报结) a case after the insurer paid the relief,
 * per the notice 法明传(2018)841号 （三）1: the case ends under Civil Procedure Law art. 257(6)
 * (《中华人民共和国民事诉讼法》第二百五十七条第六项, the numbering of 2018; since the 2023 amendment, in force
 * 2024-01-01, the same ground is 第二百六十八条第六项, so the citation is the campaign's `rulingLegalBasis`),
 * the ruling carries `MANDATED_PARAGRAPH` verbatim, the case is closed as 终结执行 with `CLOSING_REASON`
 * verbatim, and measures against the debtor stay in force.
 *
 * Pure: no I/O, no clock. The debtor(s) (被执行人) are named when the application records them (by name
 * only), else generically; the measures that stay in force are listed by kind and reference. The
 * applicant appears by name only: no ID number, no bank account (the input type has no such fields and
 * nothing else is read from the input object).
 */

import { isCalendarDay } from './calendar.ts';
import { formatYuan, isFen } from './money.ts';

/** The text the notice requires in every such ruling, verbatim (（三）1, joined, without whitespace). */
export const MANDATED_PARAGRAPH =
  '经查，被执行人无财产可供执行，现申请执行人已获得司法救助，同意本案终结执行。如发现被执行人存在隐匿、转移或变卖财产等规避执行行为，致使其无财产可供执行，或者发现被执行人有可供执行财产的，人民法院将依职权以救助金额为限恢复对被执行人的执行。';

/** The closing reason (结案事由) of a case closed as 终结执行 after insurance relief, verbatim. */
export const CLOSING_REASON = '被执行人确无财产可供执行，申请执行人同意获得保险救助后案件终结执行。';

/** The document's title (文书名称). */
export const RULING_TITLE = '执行裁定书';

/** An article and item of the Civil Procedure Law (《中华人民共和国民事诉讼法》第X条第Y项). */
export interface LegalBasis {
  article: number;
  item: number;
}

/** Art. 257(6) as numbered in 2018, the citation of the notice 法明传(2018)841号. */
export const CPL_BASIS_2018: Readonly<LegalBasis> = Object.freeze({ article: 257, item: 6 });
/** Art. 268(6): the same ground after the 2023 amendment (in force 2024-01-01). */
export const CPL_BASIS_2024: Readonly<LegalBasis> = Object.freeze({ article: 268, item: 6 });

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/**
 * A positive integer below 10 000 in Chinese numerals as statutes write them: 6 → 六, 10 → 十,
 * 15 → 十五, 105 → 一百零五, 110 → 一百一十, 257 → 二百五十七. Throws RangeError outside 1…9999.
 */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999)
    throw new RangeError(`chineseNumeral: ${n} is not in 1…9999`);
  if (n < 20) return n < 10 ? (DIGITS[n] as string) : `十${n > 10 ? DIGITS[n - 10] : ''}`;
  const units = ['千', '百', '十', ''];
  const digits = String(n).padStart(4, '0').split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      if (out !== '') zero = true;
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += `${DIGITS[d]}${units[i]}`;
  });
  return out;
}

/** 《中华人民共和国民事诉讼法》第二百五十七条第六项 for { article: 257, item: 6 }. */
export function legalBasisCitation(basis: LegalBasis): string {
  return `《中华人民共和国民事诉讼法》第${chineseNumeral(basis.article)}条第${chineseNumeral(basis.item)}项`;
}

/** Legal basis and operative part (裁判主文) citing `basis`. */
export function rulingLegalBasisParagraph(basis: LegalBasis): string {
  return `依照${legalBasisCitation(basis)}之规定，裁定如下：本案终结执行。`;
}

/** Legal basis and operative part (裁判主文) as the 2018 notice cites it. */
export const RULING_LEGAL_BASIS = rulingLegalBasisParagraph(CPL_BASIS_2018);

/** Measures against the debtor are not lifted (限制消费措施和财产控制措施不解除). */
export const MEASURES_NOT_LIFTED = '对被执行人采取的限制消费措施和财产控制措施不予解除。';

/** Effect of the ruling. */
export const RULING_EFFECT = '本裁定送达后立即生效。';

export interface RulingInput {
  /** Executing court's full name, e.g. 北京市东城区人民法院. */
  courtName: string;
  /** Case number (案号), as the court writes it, e.g. (2018)京0101执1234号. */
  caseNumber: string;
  /** Applicant's (申请执行人) name. Only the name: never the ID number or bank account. */
  applicantName: string;
  /** Case category in Chinese, e.g. 追索劳动报酬 (see CATEGORY_LABELS_ZH). */
  categoryLabelZh: string;
  /** Relief paid, in fen (positive integer). */
  reliefAmountFen: number;
  /** When the insurer paid: ISO 8601 date-time with a zone designator (Z or ±hh:mm), or a YYYY-MM-DD date. */
  paidAt: string;
  /** The insurer's payout transaction reference (交易流水号). */
  transactionRef: string;
  /** The ruling's own document number when it differs from the case number; shown in the heading. */
  rulingNumber?: string;
  /** Date of issue (落款日期): YYYY-MM-DD or an ISO date-time; defaults to the payout date. */
  issuedAt?: string;
  /** The article the ruling cites: the campaign's `rulingLegalBasis`; art. 257(6) (2018) when absent. */
  legalBasis?: LegalBasis;
  /** The debtor(s) (被执行人), by name only (never an ID number); named generically when absent. */
  debtorNames?: readonly string[];
  /** The measures that stay in force (三(一)2), each named by kind and reference. */
  measures?: readonly { kind: MeasureKind; reference: string }[];
}

export type MeasureKind =
  | 'consumption-restriction'
  | 'dishonest-list'
  | 'property-freeze'
  | 'property-seizure'
  | 'other';

/** The measures' names in a ruling. */
export const MEASURE_LABELS_ZH: Readonly<Record<MeasureKind, string>> = Object.freeze({
  'consumption-restriction': '限制消费',
  'dishonest-list': '纳入失信被执行人名单',
  'property-freeze': '冻结财产',
  'property-seizure': '查封、扣押财产',
  other: '其他措施',
});

export interface Ruling {
  /** Always `RULING_TITLE` (执行裁定书). */
  title: string;
  /** `paragraphs` joined with '\n'. */
  text: string;
  /** Always `CLOSING_REASON`. */
  closingReason: string;
  /** Every paragraph in order: `heading`, then `body`, then `signature`. No paragraph contains a line break. */
  paragraphs: string[];
  /** Court name, title, document number: the part a renderer centres. */
  heading: string[];
  /** The parties, the facts, the mandated paragraph, the operative part. */
  body: string[];
  /** Court name and date of issue (落款): the part a renderer aligns right. */
  signature: string[];
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

// Pure (annotated) so that esbuild drops it from every bundle that never writes a date: the first
// time-zone formatter loads ICU's zone data (12–15 ms at import), and most entries import this module
// only for CLOSING_REASON or the legal bases (domain/lifecycle.ts, domain/campaigns.ts).
const shanghaiParts = /* @__PURE__ */ new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/**
 * The calendar date in China Standard Time (Asia/Shanghai), written the Chinese way without leading zeros:
 * '2026-11-24T17:30:00Z' → '2026年11月25日'. A YYYY-MM-DD string is taken as that calendar date as is.
 * A date-time must carry a zone designator (Z or ±hh:mm), otherwise its meaning would depend on the host.
 * Throws RangeError for anything else or an impossible date.
 */
export function chineseDate(iso: string): string {
  if (typeof iso !== 'string') throw new RangeError('chineseDate: expected an ISO 8601 string');
  const text = iso.trim();
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    if (!isCalendarDay(y, m, d)) {
      throw new RangeError(`chineseDate: not a calendar date: ${JSON.stringify(iso)}`);
    }
    return `${y}年${m}月${d}日`;
  }
  const t = DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(t)) {
    throw new RangeError(
      `chineseDate: not an ISO 8601 date or zoned date-time: ${JSON.stringify(iso)} (e.g. 2026-11-24T17:30:00Z)`,
    );
  }
  const parts = shanghaiParts.formatToParts(new Date(t));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return `${part('year')}年${part('month')}月${part('day')}日`;
}

function requireText(field: keyof RulingInput, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RangeError(`buildRuling: ${field} must be a non-empty string`);
  }
  const text = value.trim();
  if (/[\r\n\u2028\u2029]/.test(text)) {
    throw new RangeError(`buildRuling: ${field} must not contain a line break`);
  }
  return text;
}

/**
 * Builds the termination ruling. Throws RangeError when a text field is empty or contains a line break, the
 * amount is not a positive integer of fen, or a date is not valid ISO 8601 (see `chineseDate`).
 */
export function buildRuling(input: RulingInput): Ruling {
  const courtName = requireText('courtName', input.courtName);
  const caseNumber = requireText('caseNumber', input.caseNumber);
  const applicant = requireText('applicantName', input.applicantName);
  const category = requireText('categoryLabelZh', input.categoryLabelZh);
  const transactionRef = requireText('transactionRef', input.transactionRef);
  const documentNumber =
    input.rulingNumber === undefined ? caseNumber : requireText('rulingNumber', input.rulingNumber);
  if (!isFen(input.reliefAmountFen) || input.reliefAmountFen <= 0) {
    throw new RangeError('buildRuling: reliefAmountFen must be a positive integer number of fen');
  }
  const amount = `人民币${formatYuan(input.reliefAmountFen)}元`;
  const paidOn = chineseDate(requireText('paidAt', input.paidAt));
  const issuedOn =
    input.issuedAt === undefined ? paidOn : chineseDate(requireText('issuedAt', input.issuedAt));

  const debtors = (input.debtorNames ?? []).map((n) => requireText('debtorNames', n));
  const measures = (input.measures ?? []).map(
    (m) =>
      `${MEASURE_LABELS_ZH[m.kind] ?? MEASURE_LABELS_ZH.other}（${requireText('measures', m.reference)}）`,
  );
  const heading = [courtName, RULING_TITLE, documentNumber];
  const body = [
    `申请执行人：${applicant}。`,
    ...(debtors.length > 0 ? [`被执行人：${debtors.join('、')}。`] : []),
    `本院在执行${caseNumber}案件（案件类别：${category}）过程中，申请执行人${applicant}因案件执行不能而生活困难，` +
      `申请保险救助并同意获得保险救助后本案终结执行。经逐级审批，保险救助金${amount}已于${paidOn}` +
      `支付至申请执行人${applicant}本人开立的银行账户（交易流水号：${transactionRef}），申请执行人已获得保险救助。`,
    MANDATED_PARAGRAPH,
    rulingLegalBasisParagraph(input.legalBasis ?? CPL_BASIS_2018),
    MEASURES_NOT_LIFTED,
    ...(measures.length > 0 ? [`继续有效的措施：${measures.join('；')}。`] : []),
    `本案以终结执行方式报结，结案事由：${CLOSING_REASON}`,
    RULING_EFFECT,
  ];
  const signature = [courtName, issuedOn];
  const paragraphs = [...heading, ...body, ...signature];
  return {
    title: RULING_TITLE,
    text: paragraphs.join('\n'),
    closingReason: CLOSING_REASON,
    paragraphs,
    heading,
    body,
    signature,
  };
}
