/**
 * Eligibility for insurance relief (保险救助的范围和条件, notice 一(一)). Every condition is evaluated and
 * every failure returned, each with a stable code, the dotted path of the field at fault and a message
 * in English and Chinese. Messages never contain ID or account numbers.
 *
 * Amount rules (申请标的金额 "5 万元以下 … 可放宽至 10 万元以下"; 以下 includes the limit itself):
 * - claim ≤ standard limit: fine, with or without a special reason;
 * - standard < claim ≤ special limit: needs a non-blank `specialCircumstance.reason`, else
 *   SPECIAL_REASON_REQUIRED (only; AMOUNT_OVER_LIMIT does not fire too);
 * - claim > special limit: AMOUNT_OVER_LIMIT (only), whatever the reason.
 * Limits always come from the campaign in the context.
 *
 * ID numbers are validated and compared in canonical form (`canonicalIdNumber`); a number that is a
 * valid resident ID entered with document type `other` is ID_TYPE_MISMATCH.
 */
import type { Campaign } from './campaigns.ts';
import { parseCaseNumber, parseCaseNumberSyntax } from './case-number.ts';
import type { Court } from './courts.ts';
import {
  canonicalIdNumber,
  isResidentIdNumber,
  type ResidentIdFailureReason,
  validateResidentId,
} from './id-number.ts';
import { formatYuan } from './money.ts';

/** The nine case categories of notice 一(一)1, in the notice's order. */
export const CATEGORIES = [
  'labor-remuneration',
  'elder-support',
  'spousal-support',
  'child-support',
  'survivor-pension',
  'medical-injury',
  'traffic-injury',
  'work-injury',
  'other',
] as const;

export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS_ZH: Readonly<Record<Category, string>> = Object.freeze({
  'labor-remuneration': '追索劳动报酬',
  'elder-support': '追索赡养费',
  'spousal-support': '追索扶养费',
  'child-support': '追索抚育费',
  'survivor-pension': '追索抚恤金',
  'medical-injury': '医疗损害赔偿',
  'traffic-injury': '交通事故人身损害赔偿',
  'work-injury': '工伤保险待遇',
  other: '其他涉民生案件',
});

export const CATEGORY_LABELS_EN: Readonly<Record<Category, string>> = Object.freeze({
  'labor-remuneration': 'unpaid wages',
  'elder-support': 'support for elderly parents',
  'spousal-support': 'spousal support',
  'child-support': 'child support',
  'survivor-pension': 'survivor pension',
  'medical-injury': 'medical injury compensation',
  'traffic-injury': 'traffic-accident personal injury',
  'work-injury': 'work-injury insurance benefits',
  other: 'other livelihood case',
});

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** The facts of one application, as entered by the executing court (the POST /applications body minus campaignId). */
export interface ApplicationFacts {
  case: {
    caseNumber: string;
    category: string;
    categoryReason?: string;
    kind: 'enforcement' | 'preservation';
    claimAmountFen: number;
    concluded: boolean;
    terminationConditions: { met: boolean; basis: string };
  };
  applicant: {
    name: string;
    kind?: 'natural-person' | 'legal-person' | 'other-organization';
    idType: 'resident-id' | 'other';
    idNumber: string;
    phone?: string;
  };
  hardship: { statement: string };
  consentToTermination: boolean;
  priorJudicialRelief: boolean;
  specialCircumstance?: { reason: string };
  reliefAmountFen: number;
  bankAccount: { bankName: string; holderName: string; holderIdNumber: string; accountNumber: string };
}

/** Every failure code, in the order failures are reported. */
export const FAILURE_CODES = [
  'CATEGORY_NOT_COVERED',
  'CATEGORY_REASON_REQUIRED',
  'INVALID_CASE_NUMBER',
  'NOT_ENFORCEMENT_CASE',
  'PRESERVATION_CASE',
  'CASE_COURT_MISMATCH',
  'CASE_CONCLUDED',
  'TERMINATION_CONDITIONS_NOT_MET',
  'CLAIM_AMOUNT_INVALID',
  'AMOUNT_OVER_LIMIT',
  'SPECIAL_REASON_REQUIRED',
  'NOT_NATURAL_PERSON',
  'INVALID_ID_NUMBER',
  'ID_TYPE_MISMATCH',
  'HARDSHIP_NOT_SHOWN',
  'NO_CONSENT',
  'PRIOR_RELIEF',
  'RELIEF_AMOUNT_INVALID',
  'RELIEF_EXCEEDS_CLAIM',
  'BANK_ACCOUNT_INCOMPLETE',
  'BANK_ACCOUNT_NOT_APPLICANTS',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

export interface EligibilityFailure {
  code: FailureCode;
  /** Dotted JSON path of the field at fault, e.g. 'case.caseNumber'. */
  path: string;
  message: string;
  messageZh: string;
}

export interface EligibilityResult {
  eligible: boolean;
  failures: EligibilityFailure[];
}

export interface EligibilityContext {
  campaign: Pick<Campaign, 'standardLimitFen' | 'specialLimitFen'>;
  executingCourt: Court;
  /** Shanghai date YYYY-MM-DD: birth dates in resident IDs must not be after it. */
  today?: string;
  /** True when the system already holds a paid relief for this case and applicant (any court). */
  priorReliefOnRecord?: boolean;
}

const ID_REASON: Record<ResidentIdFailureReason, [en: string, zh: string]> = {
  LENGTH: ['must have 18 characters', '应为18位'],
  CHARACTERS: ['must be 17 digits followed by a digit or X', '前17位须为数字、末位须为数字或X'],
  REGION: ['has an unknown region code', '地址码无效'],
  BIRTH_DATE: ['contains an impossible birth date', '出生日期无效'],
  CHECK_DIGIT: ['has a wrong check digit', '校验码错误'],
};

function isBlank(s: unknown): boolean {
  return typeof s !== 'string' || s.trim() === '';
}

function isPositiveFen(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/** Names compare after Unicode NFKC, trimming and collapsing inner whitespace. */
function nameKey(s: string): string {
  return String(s).normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/** Evaluates every eligibility condition and returns all failures (empty and eligible when none). */
export function evaluateEligibility(facts: ApplicationFacts, ctx: EligibilityContext): EligibilityResult {
  const failures: EligibilityFailure[] = [];
  const fail = (code: FailureCode, path: string, message: string, messageZh: string) =>
    failures.push({ code, path, message, messageZh });
  const { standardLimitFen, specialLimitFen } = ctx.campaign;
  const c = facts.case;

  // Category (一(一)1).
  if (!isCategory(c.category)) {
    fail(
      'CATEGORY_NOT_COVERED',
      'case.category',
      'The case category is not one covered by insurance relief.',
      '案件类型不属于保险救助的涉民生案件范围。',
    );
  } else if (c.category === 'other' && isBlank(c.categoryReason)) {
    fail(
      'CATEGORY_REASON_REQUIRED',
      'case.categoryReason',
      "A case in the 'other' category needs a written reason why the court considers relief necessary.",
      '其他涉民生案件须书面说明人民法院认为需要救助的理由。',
    );
  }

  // Case number and type: enforcement-implementation only, never preservation (一(一)1).
  const syntax = parseCaseNumberSyntax(c.caseNumber);
  const parsed = parseCaseNumber(c.caseNumber);
  if (!syntax.ok) {
    if (syntax.reason === 'YEAR') {
      fail(
        'INVALID_CASE_NUMBER',
        'case.caseNumber',
        'The year in the case number must be between 1990 and 2100.',
        '案号中的年份须在1990年至2100年之间。',
      );
    } else {
      fail(
        'INVALID_CASE_NUMBER',
        'case.caseNumber',
        'The case number is not valid; expected a form such as (2018)京0105执1234号.',
        '案号格式不正确，应如（2018）京0105执1234号。',
      );
    }
  }
  const preservationWord = parsed.ok && parsed.value.kind === 'preservation';
  if ((!parsed.ok && parsed.reason === 'NOT_ENFORCEMENT') || (parsed.ok && parsed.value.kind === 'review')) {
    fail(
      'NOT_ENFORCEMENT_CASE',
      'case.caseNumber',
      'Only enforcement-implementation cases (case word 执 or 执恢) qualify for insurance relief.',
      '保险救助仅限执行实施类案件（类型代字为“执”或“执恢”）。',
    );
  }
  if (c.kind === 'preservation' || preservationWord) {
    fail(
      'PRESERVATION_CASE',
      c.kind === 'preservation' ? 'case.kind' : 'case.caseNumber',
      'Property-preservation cases are excluded from insurance relief.',
      '财产保全案件不属于保险救助范围。',
    );
  }
  if (syntax.ok && syntax.value.courtPrefix !== ctx.executingCourt.caseCourtPrefix) {
    fail(
      'CASE_COURT_MISMATCH',
      'case.caseNumber',
      `The case number belongs to court ${syntax.value.courtPrefix}, not to the executing court (${ctx.executingCourt.caseCourtPrefix}).`,
      `案号中的法院代字（${syntax.value.courtPrefix}）与执行法院（${ctx.executingCourt.caseCourtPrefix}）不符。`,
    );
  }

  // Conditions (2) and (3).
  if (c.concluded !== false) {
    fail('CASE_CONCLUDED', 'case.concluded', 'The case has already been concluded.', '案件已经执结。');
  }
  if (c.terminationConditions?.met !== true || isBlank(c.terminationConditions?.basis)) {
    fail(
      'TERMINATION_CONDITIONS_NOT_MET',
      c.terminationConditions?.met !== true
        ? 'case.terminationConditions.met'
        : 'case.terminationConditions.basis',
      'The case must meet the conditions for terminating this round of enforcement, with the basis recorded.',
      '案件须符合终结本次执行程序的条件，并载明依据。',
    );
  }

  // Condition (5): amount applied for enforcement.
  const claimValid = isPositiveFen(c.claimAmountFen);
  if (!claimValid) {
    fail(
      'CLAIM_AMOUNT_INVALID',
      'case.claimAmountFen',
      'The amount applied for enforcement must be a positive whole number of fen.',
      '申请标的金额须为正整数（单位：分）。',
    );
  } else if (c.claimAmountFen > specialLimitFen) {
    fail(
      'AMOUNT_OVER_LIMIT',
      'case.claimAmountFen',
      `The amount applied for enforcement (${formatYuan(c.claimAmountFen)} CNY) exceeds the limit of ${formatYuan(specialLimitFen)} CNY.`,
      `申请标的金额（${formatYuan(c.claimAmountFen)}元）超过保险救助上限${formatYuan(specialLimitFen)}元。`,
    );
  } else if (c.claimAmountFen > standardLimitFen && isBlank(facts.specialCircumstance?.reason)) {
    fail(
      'SPECIAL_REASON_REQUIRED',
      'specialCircumstance.reason',
      `An amount applied for enforcement above ${formatYuan(standardLimitFen)} CNY (at most ${formatYuan(specialLimitFen)} CNY) needs a written reason for the special situation.`,
      `申请标的金额超过${formatYuan(standardLimitFen)}元的，须书面说明特殊情况（最高不超过${formatYuan(specialLimitFen)}元）。`,
    );
  }

  // Condition (1): natural person, identified.
  const a = facts.applicant;
  if (a.kind !== undefined && a.kind !== 'natural-person') {
    fail(
      'NOT_NATURAL_PERSON',
      'applicant.kind',
      'The applicant must be a natural person.',
      '申请执行人须为自然人。',
    );
  }
  if (a.idType === 'resident-id') {
    const id = validateResidentId(a.idNumber, ctx.today === undefined ? {} : { today: ctx.today });
    if (!id.ok) {
      const [en, zh] = ID_REASON[id.reason];
      fail(
        'INVALID_ID_NUMBER',
        'applicant.idNumber',
        `The applicant's resident ID number ${en}.`,
        `申请执行人的公民身份号码${zh}。`,
      );
    }
    const holder = validateResidentId(
      facts.bankAccount.holderIdNumber,
      ctx.today === undefined ? {} : { today: ctx.today },
    );
    if (!holder.ok) {
      const [en, zh] = ID_REASON[holder.reason];
      fail(
        'INVALID_ID_NUMBER',
        'bankAccount.holderIdNumber',
        `The account holder's resident ID number ${en}.`,
        `开户人的公民身份号码${zh}。`,
      );
    }
  } else if (canonicalIdNumber(String(a.idNumber ?? '')) === '') {
    fail(
      'INVALID_ID_NUMBER',
      'applicant.idNumber',
      "The applicant's identity document number is required.",
      '申请执行人的身份证件号码不能为空。',
    );
  } else if (isResidentIdNumber(a.idNumber)) {
    // One person is one person: a resident ID number entered as another document type would escape
    // the duplicate check of the same person entered as a resident ID.
    fail(
      'ID_TYPE_MISMATCH',
      'applicant.idType',
      "The applicant's ID number is a valid resident ID number: choose the document type resident-id.",
      '申请执行人的证件号码为有效的公民身份号码，证件类型应选择居民身份证。',
    );
  }

  // Condition (4): hardship.
  if (isBlank(facts.hardship?.statement)) {
    fail(
      'HARDSHIP_NOT_SHOWN',
      'hardship.statement',
      "A statement of the applicant's hardship caused by the failed enforcement is required.",
      '须说明申请执行人因案件执行不能而生活困难的情况。',
    );
  }

  // Condition (5): applies and agrees that enforcement ends.
  if (facts.consentToTermination !== true) {
    fail(
      'NO_CONSENT',
      'consentToTermination',
      'The applicant must agree that enforcement ends once relief is granted.',
      '申请执行人须同意获得保险救助后案件终结执行。',
    );
  }

  // Condition (6): no prior judicial relief, system-wide.
  if (facts.priorJudicialRelief !== false || ctx.priorReliefOnRecord === true) {
    fail(
      'PRIOR_RELIEF',
      'priorJudicialRelief',
      'The applicant has already received judicial relief in this case.',
      '此前已因本案件向申请执行人进行过司法救助。',
    );
  }

  // The relief amount.
  if (!isPositiveFen(facts.reliefAmountFen)) {
    fail(
      'RELIEF_AMOUNT_INVALID',
      'reliefAmountFen',
      'The relief amount must be a positive whole number of fen.',
      '救助金额须为正整数（单位：分）。',
    );
  } else if (claimValid && facts.reliefAmountFen > c.claimAmountFen) {
    fail(
      'RELIEF_EXCEEDS_CLAIM',
      'reliefAmountFen',
      'The relief amount must not exceed the amount applied for enforcement.',
      '救助金额不得超过申请标的金额。',
    );
  }

  // Material (5): the applicant's own bank account (本人开立的银行账户).
  const b = facts.bankAccount;
  if (isBlank(b.bankName)) {
    fail(
      'BANK_ACCOUNT_INCOMPLETE',
      'bankAccount.bankName',
      'The bank name is required.',
      '开户行名称不能为空。',
    );
  }
  if (!/^\d{8,30}$/.test(String(b.accountNumber).replace(/[\s-]+/g, ''))) {
    fail(
      'BANK_ACCOUNT_INCOMPLETE',
      'bankAccount.accountNumber',
      'The account number must be 8 to 30 digits.',
      '银行账号须为8至30位数字。',
    );
  }
  if (nameKey(b.holderName) !== nameKey(a.name)) {
    fail(
      'BANK_ACCOUNT_NOT_APPLICANTS',
      'bankAccount.holderName',
      "The bank account must be the applicant's own: the holder's name differs from the applicant's.",
      '银行账户须为申请执行人本人开立：开户人姓名与申请执行人不一致。',
    );
  }
  if (canonicalIdNumber(b.holderIdNumber) !== canonicalIdNumber(a.idNumber)) {
    fail(
      'BANK_ACCOUNT_NOT_APPLICANTS',
      'bankAccount.holderIdNumber',
      "The bank account must be the applicant's own: the holder's ID number differs from the applicant's.",
      '银行账户须为申请执行人本人开立：开户人证件号码与申请执行人不一致。',
    );
  }

  // Report in FAILURE_CODES order (stable for clients), keeping insertion order within a code.
  const rank = (code: FailureCode) => FAILURE_CODES.indexOf(code);
  failures.sort((x, y) => rank(x.code) - rank(y.code));
  return { eligible: failures.length === 0, failures };
}
