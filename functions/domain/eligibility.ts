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
import { type Campaign, shanghaiDate } from './campaigns.ts';
import { parseCaseNumber, parseCaseNumberSyntax } from './case-number.ts';
import type { Court } from './courts.ts';
import { type CreditCodeFailureReason, validateCreditCode } from './credit-code.ts';
import {
  canonicalIdNumber,
  isCalendarDate,
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
    /** 立案日期 of the enforcement case: a Shanghai date YYYY-MM-DD or an instant with its offset. */
    filedAt?: string;
    terminationConditions: { met: boolean; basis: string; checklist?: TerminationChecklist };
    /** Consumption restrictions and property-control measures taken in the case (they stay after relief). */
    measures?: Measure[];
  };
  /** The debtor(s) (被执行人) of the case; required when the campaign says so (`requireDebtor`). */
  debtors?: Debtor[];
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

/** A debtor (被执行人): a natural person by resident ID (or another document), a legal person by its credit code. */
export interface Debtor {
  name: string;
  kind: 'natural' | 'legal';
  idType: 'resident-id' | 'other' | 'unified-social-credit-code';
  idNumber: string;
}

export const MEASURE_KINDS = [
  'consumption-restriction',
  'dishonest-list',
  'property-freeze',
  'property-seizure',
  'other',
] as const;

/** A measure taken against the debtor (限制消费, 失信名单, 冻结, 查封…), in force since `since`. */
export interface Measure {
  kind: (typeof MEASURE_KINDS)[number];
  reference: string;
  since: string;
}

/** One item of the termination checklist and what proves it: the date it was done and/or a reference. */
export interface ChecklistItem {
  done: boolean;
  at?: string;
  reference?: string;
}

/**
 * The conditions of Art. 1 of the SPC's provisions on terminating this round of enforcement
 * (《最高人民法院关于严格规范终结本次执行程序的规定（试行）》); condition (4), more than three months since
 * filing, is computed from `case.filedAt`. `dishonestListed` is absent where listing is not due.
 */
export interface TerminationChecklist {
  /** (1) 已向被执行人发出执行通知 … */
  executionNoticeServed: ChecklistItem;
  /** (1) … 责令被执行人报告财产 */
  propertyReportOrdered: ChecklistItem;
  /** (2) 已向被执行人发出限制消费令 */
  consumptionRestricted: ChecklistItem;
  /** (2) 并将符合条件的被执行人纳入失信被执行人名单 (where due) */
  dishonestListed?: ChecklistItem;
  /** (3) 已穷尽财产调查措施，未发现被执行人有可供执行的财产或者发现的财产不能处置 */
  investigationExhausted: ChecklistItem;
  /** (5) 被执行人下落不明的，已依法予以查找；被执行人或者其他人妨害执行的，已依法采取罚款、拘留等强制措施 */
  debtorSearchedOrSanctioned: ChecklistItem;
}

/** Each checklist item, the code reported when it is not done, and its words. */
export const CHECKLIST_ITEMS = [
  [
    'executionNoticeServed',
    'EXECUTION_NOTICE_NOT_SERVED',
    'the execution notice has not been served',
    '未向被执行人发出执行通知',
  ],
  [
    'propertyReportOrdered',
    'PROPERTY_REPORT_NOT_ORDERED',
    'the debtor has not been ordered to report property',
    '未责令被执行人报告财产',
  ],
  [
    'consumptionRestricted',
    'CONSUMPTION_NOT_RESTRICTED',
    'no consumption-restriction order has been issued',
    '未向被执行人发出限制消费令',
  ],
  [
    'dishonestListed',
    'DISHONEST_NOT_LISTED',
    'the debtor has not been put on the dishonest-debtor list',
    '未将被执行人纳入失信被执行人名单',
  ],
  [
    'investigationExhausted',
    'INVESTIGATION_NOT_EXHAUSTED',
    'the property investigation has not been exhausted',
    '未穷尽财产调查措施',
  ],
  [
    'debtorSearchedOrSanctioned',
    'DEBTOR_NOT_SEARCHED',
    'the absent debtor has not been searched for, or obstruction not sanctioned',
    '未依法查找下落不明的被执行人或未对妨害执行行为依法采取强制措施',
  ],
] as const satisfies readonly (readonly [keyof TerminationChecklist, string, string, string])[];

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
  'FILED_AT_REQUIRED',
  'FILED_AT_IN_FUTURE',
  'FILED_AT_AFTER_APPLICATION',
  'FILED_LESS_THAN_THREE_MONTHS',
  'TERMINATION_CHECKLIST_REQUIRED',
  'EXECUTION_NOTICE_NOT_SERVED',
  'PROPERTY_REPORT_NOT_ORDERED',
  'CONSUMPTION_NOT_RESTRICTED',
  'DISHONEST_NOT_LISTED',
  'INVESTIGATION_NOT_EXHAUSTED',
  'DEBTOR_NOT_SEARCHED',
  'TERMINATION_PROOF_MISSING',
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
  'DEBTOR_REQUIRED',
  'DEBTOR_ID_TYPE_MISMATCH',
  'INVALID_CREDIT_CODE',
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
  campaign: Pick<Campaign, 'standardLimitFen' | 'specialLimitFen'> &
    Partial<Pick<Campaign, 'requireDebtor' | 'requireTerminationChecklist'>>;
  executingCourt: Court;
  /** Shanghai date YYYY-MM-DD: birth dates in resident IDs must not be after it. */
  today?: string;
  /** When the application was created (ISO instant): `case.filedAt` must not be after it. */
  applicationCreatedAt?: string;
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

type Fail = (code: FailureCode, path: string, message: string, messageZh: string) => void;

/** The Shanghai calendar date of a date (YYYY-MM-DD, as is) or an instant with an offset; undefined if neither. */
export function shanghaiDayOf(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isCalendarDate(value) ? value : undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : shanghaiDate(new Date(t));
}

/** `date` (YYYY-MM-DD) plus whole calendar months, the day clamped to the month's end (11-30 + 3 → 02-28). */
export function addCalendarMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * `case.filedAt` and `case.terminationConditions.checklist`. Both are required when the campaign
 * requires the checklist, and checked whenever given: filedAt not after today (Shanghai) nor after the
 * application; more than three months since filing (Art. 1(4)), i.e. today after filedAt + 3 calendar
 * months, in Shanghai dates; every item done, with the date or reference that proves it. Any
 * condition not met is also reported as TERMINATION_CONDITIONS_NOT_MET at the checklist (once, and only
 * when the met/basis check above did not already report it).
 */
function evaluateTermination(facts: ApplicationFacts, ctx: EligibilityContext, fail: Fail) {
  const c = facts.case;
  const required = ctx.campaign.requireTerminationChecklist === true;
  const checklist = c.terminationConditions?.checklist;
  let notMet = false;
  if (c.filedAt === undefined) {
    if (required) {
      fail(
        'FILED_AT_REQUIRED',
        'case.filedAt',
        'The date the enforcement case was filed is required.',
        '须填写执行案件的立案日期。',
      );
      notMet = true;
    }
  } else {
    const filed = shanghaiDayOf(c.filedAt);
    const created = ctx.applicationCreatedAt ? shanghaiDayOf(ctx.applicationCreatedAt) : undefined;
    if (filed === undefined) {
      fail(
        'FILED_AT_REQUIRED',
        'case.filedAt',
        'The filing date must be a date (YYYY-MM-DD) or a time with its offset.',
        '立案日期格式不正确。',
      );
      notMet = true;
    } else if (ctx.today !== undefined && filed > ctx.today) {
      fail('FILED_AT_IN_FUTURE', 'case.filedAt', 'The filing date is in the future.', '立案日期晚于今日。');
    } else if (created !== undefined && filed > created) {
      fail(
        'FILED_AT_AFTER_APPLICATION',
        'case.filedAt',
        'The filing date is after the application was created.',
        '立案日期晚于救助申请的创建日期。',
      );
    } else if (ctx.today !== undefined && !(ctx.today > addCalendarMonths(filed, 3))) {
      fail(
        'FILED_LESS_THAN_THREE_MONTHS',
        'case.filedAt',
        `Not more than three months have passed since the case was filed (${filed}, Beijing time).`,
        `自立案之日起未超过三个月（立案日期${filed}）。`,
      );
      notMet = true;
    }
  }
  if (checklist === undefined) {
    if (required) {
      fail(
        'TERMINATION_CHECKLIST_REQUIRED',
        'case.terminationConditions.checklist',
        'The checklist of the conditions for terminating this round of enforcement is required.',
        '须逐项填写终结本次执行程序的条件。',
      );
      notMet = true;
    }
  } else {
    for (const [key, code, en, zh] of CHECKLIST_ITEMS) {
      const item = checklist[key];
      const path = `case.terminationConditions.checklist.${key}`;
      if (item === undefined) {
        if (key === 'dishonestListed') continue; // not due in this case
        fail(code, path, `Termination condition not met: ${en}.`, `不符合终结本次执行程序的条件：${zh}。`);
        notMet = true;
      } else if (item.done !== true) {
        fail(code, path, `Termination condition not met: ${en}.`, `不符合终结本次执行程序的条件：${zh}。`);
        notMet = true;
      } else if (isBlank(item.reference) && shanghaiDayOf(item.at) === undefined) {
        fail(
          'TERMINATION_PROOF_MISSING',
          path,
          'An item marked done needs the date (at) or the reference (reference) that proves it.',
          '已完成的事项须载明完成日期或文书编号。',
        );
      } else if (
        item.at !== undefined &&
        ctx.today !== undefined &&
        (shanghaiDayOf(item.at) ?? '') > ctx.today
      ) {
        fail(
          'TERMINATION_PROOF_MISSING',
          `${path}.at`,
          'The date that proves the item is in the future.',
          '完成日期晚于今日。',
        );
      }
    }
  }
  const alreadyReported = c.terminationConditions?.met !== true || isBlank(c.terminationConditions?.basis);
  if (notMet && !alreadyReported) {
    fail(
      'TERMINATION_CONDITIONS_NOT_MET',
      'case.terminationConditions.checklist',
      'The case does not meet every condition for terminating this round of enforcement (see the items).',
      '案件不符合终结本次执行程序的全部条件（见各项）。',
    );
  }
}

const CREDIT_REASON: Record<CreditCodeFailureReason, [en: string, zh: string]> = {
  LENGTH: ['must have 18 characters', '应为18位'],
  CHARACTERS: [
    'may contain only digits and the letters other than I, O, S, V and Z',
    '只能由数字和除I、O、S、V、Z以外的大写字母组成',
  ],
  DIVISION: ['has an invalid administrative division code', '行政区划码无效'],
  CHECK_CHARACTER: ['has a wrong check character', '校验码错误'],
};

/**
 * The debtor(s): at least one when the campaign requires it (`requireDebtor`); each with a name; a
 * natural person by a resident ID (validated like the applicant's) or another document, never a credit
 * code; a legal person by its unified social credit code (GB 32100 check character).
 */
function evaluateDebtors(facts: ApplicationFacts, ctx: EligibilityContext, fail: Fail) {
  const debtors = facts.debtors ?? [];
  if (debtors.length === 0 && ctx.campaign.requireDebtor === true) {
    fail(
      'DEBTOR_REQUIRED',
      'debtors',
      'This campaign requires the debtor(s) of the case.',
      '本次救助活动须填写被执行人。',
    );
  }
  debtors.forEach((d, i) => {
    const path = `debtors[${i}]`;
    const who = `Debtor ${i + 1}`;
    const whoZh = `第${i + 1}个被执行人`;
    if (d.kind === 'legal') {
      if (d.idType !== 'unified-social-credit-code') {
        fail(
          'DEBTOR_ID_TYPE_MISMATCH',
          `${path}.idType`,
          `${who} is a legal person: identify it by its unified social credit code.`,
          `${whoZh}为法人或其他组织，证件类型应为统一社会信用代码。`,
        );
        return;
      }
      const code = validateCreditCode(d.idNumber);
      if (!code.ok) {
        const [en, zh] = CREDIT_REASON[code.reason];
        fail(
          'INVALID_CREDIT_CODE',
          `${path}.idNumber`,
          `${who}'s unified social credit code ${en}.`,
          `${whoZh}的统一社会信用代码${zh}。`,
        );
      }
      return;
    }
    if (d.idType === 'unified-social-credit-code') {
      fail(
        'DEBTOR_ID_TYPE_MISMATCH',
        `${path}.idType`,
        `${who} is a natural person: a unified social credit code identifies organisations only.`,
        `${whoZh}为自然人，证件类型不能为统一社会信用代码。`,
      );
    } else if (d.idType === 'resident-id') {
      const id = validateResidentId(d.idNumber, ctx.today === undefined ? {} : { today: ctx.today });
      if (!id.ok) {
        const [en, zh] = ID_REASON[id.reason];
        fail(
          'INVALID_ID_NUMBER',
          `${path}.idNumber`,
          `${who}'s resident ID number ${en}.`,
          `${whoZh}的公民身份号码${zh}。`,
        );
      }
    } else if (canonicalIdNumber(String(d.idNumber ?? '')) === '') {
      fail(
        'INVALID_ID_NUMBER',
        `${path}.idNumber`,
        `${who}'s document number is required.`,
        `${whoZh}的证件号码不能为空。`,
      );
    } else if (isResidentIdNumber(d.idNumber)) {
      fail(
        'ID_TYPE_MISMATCH',
        `${path}.idType`,
        `${who}'s ID number is a valid resident ID number: choose the document type resident-id.`,
        `${whoZh}的证件号码为有效的公民身份号码，证件类型应选择居民身份证。`,
      );
    }
  });
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

  // Condition (3) in detail: the five conditions of Art. 1 of the 终本 provisions, when given or required.
  evaluateTermination(facts, ctx, fail);

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

  // The debtor(s) (被执行人).
  evaluateDebtors(facts, ctx, fail);

  // Report in FAILURE_CODES order (stable for clients), keeping insertion order within a code.
  const rank = (code: FailureCode) => FAILURE_CODES.indexOf(code);
  failures.sort((x, y) => rank(x.code) - rank(y.code));
  return { eligible: failures.length === 0, failures };
}
