import { describe, expect, it } from 'vitest';
import { getCourt } from '../../../functions/domain/courts.ts';
import {
  type ApplicationFacts,
  CATEGORIES,
  CATEGORY_LABELS_ZH,
  type EligibilityContext,
  evaluateEligibility,
  FAILURE_CODES,
} from '../../../functions/domain/eligibility.ts';
import { residentIdCheckDigit } from '../../../functions/domain/id-number.ts';
import { type DeepPartial, VALID_ID_NUMBER, validContext, validFacts } from './fixtures.ts';

const evaluate = (overrides?: DeepPartial<ApplicationFacts>, ctx?: Partial<EligibilityContext>) =>
  evaluateEligibility(validFacts(overrides), validContext(ctx));

/** Failures as "CODE@path" strings, in reported order. */
const failuresOf = (overrides?: DeepPartial<ApplicationFacts>, ctx?: Partial<EligibilityContext>) =>
  evaluate(overrides, ctx).failures.map((f) => `${f.code}@${f.path}`);

const court = (code: string) => {
  const c = getCourt(code);
  if (!c) throw new Error(code);
  return c;
};

describe('evaluateEligibility: the valid fixture', () => {
  it('is eligible with no failures', () => {
    expect(evaluate()).toEqual({ eligible: true, failures: [] });
  });

  it('every category except other is eligible without a reason', () => {
    expect(CATEGORIES).toHaveLength(9);
    expect(CATEGORY_LABELS_ZH['labor-remuneration']).toBe('追索劳动报酬');
    expect(CATEGORY_LABELS_ZH.other).toBe('其他涉民生案件');
    for (const category of CATEGORIES.filter((c) => c !== 'other')) {
      expect(failuresOf({ case: { category } }), category).toEqual([]);
    }
    expect(
      failuresOf({ case: { category: 'other', categoryReason: '申请执行人系残疾人，无劳动能力' } }),
    ).toEqual([]);
  });
});

describe('evaluateEligibility: one rule at a time', () => {
  it('CATEGORY_NOT_COVERED for a category outside the list', () => {
    expect(failuresOf({ case: { category: 'contract-dispute' } })).toEqual([
      'CATEGORY_NOT_COVERED@case.category',
    ]);
  });

  it('CATEGORY_REASON_REQUIRED for other without a non-blank reason', () => {
    expect(failuresOf({ case: { category: 'other' } })).toEqual([
      'CATEGORY_REASON_REQUIRED@case.categoryReason',
    ]);
    expect(failuresOf({ case: { category: 'other', categoryReason: '   ' } })).toEqual([
      'CATEGORY_REASON_REQUIRED@case.categoryReason',
    ]);
  });

  it('INVALID_CASE_NUMBER for a malformed number or a year out of range', () => {
    expect(failuresOf({ case: { caseNumber: '京0105执1234号' } })).toEqual([
      'INVALID_CASE_NUMBER@case.caseNumber',
    ]);
    const year = evaluate({ case: { caseNumber: '(1985)京0105执1234号' } }).failures;
    expect(year.map((f) => f.code)).toEqual(['INVALID_CASE_NUMBER']);
    expect(year[0]?.message).toMatch(/1990/);
  });

  it('accepts the full-width form of the same case number', () => {
    expect(failuresOf({ case: { caseNumber: '（2018）京0105执1234号' } })).toEqual([]);
    expect(failuresOf({ case: { caseNumber: '(2018)京0105执恢12号' } })).toEqual([]);
  });

  it('NOT_ENFORCEMENT_CASE for a civil case word or a review-type enforcement word', () => {
    expect(failuresOf({ case: { caseNumber: '(2018)京0105民初1234号' } })).toEqual([
      'NOT_ENFORCEMENT_CASE@case.caseNumber',
    ]);
    for (const w of ['执异', '执复', '执监', '执协', '执他', '执请']) {
      expect(failuresOf({ case: { caseNumber: `(2018)京0105${w}1234号` } }), w).toEqual([
        'NOT_ENFORCEMENT_CASE@case.caseNumber',
      ]);
    }
  });

  it('PRESERVATION_CASE once, for kind preservation, case word 执保, or both', () => {
    expect(failuresOf({ case: { kind: 'preservation' } })).toEqual(['PRESERVATION_CASE@case.kind']);
    expect(failuresOf({ case: { caseNumber: '(2018)京0105执保1234号' } })).toEqual([
      'PRESERVATION_CASE@case.caseNumber',
    ]);
    expect(failuresOf({ case: { kind: 'preservation', caseNumber: '(2018)京0105执保1234号' } })).toEqual([
      'PRESERVATION_CASE@case.kind',
    ]);
  });

  it("CASE_COURT_MISMATCH when the number's court prefix is not the executing court's", () => {
    expect(failuresOf({ case: { caseNumber: '(2018)京0108执1234号' } })).toEqual([
      'CASE_COURT_MISMATCH@case.caseNumber',
    ]);
    expect(failuresOf({}, { executingCourt: court('BJ03') })).toEqual([
      'CASE_COURT_MISMATCH@case.caseNumber',
    ]);
    expect(
      failuresOf({ case: { caseNumber: '(2018)京03执1234号' } }, { executingCourt: court('BJ03') }),
    ).toEqual([]);
    expect(
      failuresOf({ case: { caseNumber: '(2018)兵0101执9号' } }, { executingCourt: court('BT0101') }),
    ).toEqual([]);
  });

  it('CASE_CONCLUDED for a concluded case', () => {
    expect(failuresOf({ case: { concluded: true } })).toEqual(['CASE_CONCLUDED@case.concluded']);
  });

  it('TERMINATION_CONDITIONS_NOT_MET when not met or the basis is blank, reported once', () => {
    expect(failuresOf({ case: { terminationConditions: { met: false } } })).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.met',
    ]);
    expect(failuresOf({ case: { terminationConditions: { basis: ' \n ' } } })).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.basis',
    ]);
    expect(failuresOf({ case: { terminationConditions: { met: false, basis: '' } } })).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.met',
    ]);
  });

  it('NOT_NATURAL_PERSON when the applicant is an organisation; absent kind means a natural person', () => {
    expect(failuresOf({ applicant: { kind: 'legal-person' } })).toEqual([
      'NOT_NATURAL_PERSON@applicant.kind',
    ]);
    expect(failuresOf({ applicant: { kind: 'other-organization' } })).toEqual([
      'NOT_NATURAL_PERSON@applicant.kind',
    ]);
    expect(failuresOf({ applicant: { kind: 'natural-person' } })).toEqual([]);
  });

  it('INVALID_ID_NUMBER for a bad resident ID of the applicant and of the account holder', () => {
    const bad = '110105198503121235';
    expect(failuresOf({ applicant: { idNumber: bad }, bankAccount: { holderIdNumber: bad } })).toEqual([
      'INVALID_ID_NUMBER@applicant.idNumber',
      'INVALID_ID_NUMBER@bankAccount.holderIdNumber',
    ]);
  });

  it('INVALID_ID_NUMBER for a birth date after today', () => {
    const first17 = '11010520181222123';
    const id = first17 + residentIdCheckDigit(first17);
    const facts = { applicant: { idNumber: id }, bankAccount: { holderIdNumber: id } };
    expect(failuresOf(facts, { today: '2018-12-21' })).toEqual([
      'INVALID_ID_NUMBER@applicant.idNumber',
      'INVALID_ID_NUMBER@bankAccount.holderIdNumber',
    ]);
    expect(failuresOf(facts, { today: '2018-12-22' })).toEqual([]);
  });

  it('accepts a lowercase x and another document type with a non-blank number', () => {
    const first17 = '11010519491231002';
    const id = `${first17}x`;
    expect(residentIdCheckDigit(first17)).toBe('X');
    expect(
      failuresOf({ applicant: { idNumber: id }, bankAccount: { holderIdNumber: `${first17}X` } }),
    ).toEqual([]);
    const passport = {
      applicant: { idType: 'other' as const, idNumber: 'E12345678' },
      bankAccount: { holderIdNumber: 'e12345678' },
    };
    expect(failuresOf(passport)).toEqual([]);
    expect(
      failuresOf({ applicant: { idType: 'other', idNumber: ' ' }, bankAccount: { holderIdNumber: ' ' } }),
    ).toEqual(['INVALID_ID_NUMBER@applicant.idNumber']);
  });

  it('ID_TYPE_MISMATCH for a valid resident ID number sent as another document type, however typed', () => {
    for (const idNumber of [
      VALID_ID_NUMBER,
      '110105-19850312-1234',
      `${VALID_ID_NUMBER}\u200B`,
      '１１０１０５１９８５０３１２１２３４',
    ]) {
      expect(
        failuresOf({
          applicant: { idType: 'other', idNumber },
          bankAccount: { holderIdNumber: VALID_ID_NUMBER },
        }),
        JSON.stringify(idNumber),
      ).toEqual(['ID_TYPE_MISMATCH@applicant.idType']);
    }
    // not a valid resident ID (wrong check digit): another document type may carry it
    const notResident = '110105198503121235';
    expect(
      failuresOf({
        applicant: { idType: 'other', idNumber: notResident },
        bankAccount: { holderIdNumber: notResident },
      }),
    ).toEqual([]);
  });

  it('INVALID_ID_NUMBER for another document type whose number is only dashes and invisible characters', () => {
    expect(
      failuresOf({
        applicant: { idType: 'other', idNumber: '-\u200B-' },
        bankAccount: { holderIdNumber: '-\u200B-' },
      }),
    ).toEqual(['INVALID_ID_NUMBER@applicant.idNumber']);
  });

  it("compares the account holder's ID number in canonical form (hyphens, spaces, full width, invisible characters)", () => {
    for (const holderIdNumber of [
      '110105-198503-121234',
      '110105 19850312 1234',
      '１１０１０５１９８５０３１２１２３４',
      `\u2060${VALID_ID_NUMBER}\uFEFF`,
    ]) {
      expect(failuresOf({ bankAccount: { holderIdNumber } }), JSON.stringify(holderIdNumber)).toEqual([]);
    }
  });

  it('HARDSHIP_NOT_SHOWN for a blank statement', () => {
    expect(failuresOf({ hardship: { statement: '  ' } })).toEqual(['HARDSHIP_NOT_SHOWN@hardship.statement']);
  });

  it('NO_CONSENT without consent to termination', () => {
    expect(failuresOf({ consentToTermination: false })).toEqual(['NO_CONSENT@consentToTermination']);
  });

  it('PRIOR_RELIEF when declared or on record elsewhere, reported once', () => {
    expect(failuresOf({ priorJudicialRelief: true })).toEqual(['PRIOR_RELIEF@priorJudicialRelief']);
    expect(failuresOf({}, { priorReliefOnRecord: true })).toEqual(['PRIOR_RELIEF@priorJudicialRelief']);
    expect(failuresOf({ priorJudicialRelief: true }, { priorReliefOnRecord: true })).toEqual([
      'PRIOR_RELIEF@priorJudicialRelief',
    ]);
  });

  it('RELIEF_AMOUNT_INVALID for a zero, negative or fractional relief amount', () => {
    for (const reliefAmountFen of [0, -100, 100.5, Number.NaN]) {
      expect(failuresOf({ reliefAmountFen }), String(reliefAmountFen)).toEqual([
        'RELIEF_AMOUNT_INVALID@reliefAmountFen',
      ]);
    }
  });

  it('RELIEF_EXCEEDS_CLAIM when relief is more than the claim', () => {
    expect(failuresOf({ reliefAmountFen: 3_000_001 })).toEqual(['RELIEF_EXCEEDS_CLAIM@reliefAmountFen']);
    expect(failuresOf({ reliefAmountFen: 2_999_999 })).toEqual([]);
  });

  it('CLAIM_AMOUNT_INVALID for a claim that is not a positive integer', () => {
    for (const claimAmountFen of [0, -1, 1.5]) {
      expect(failuresOf({ case: { claimAmountFen }, reliefAmountFen: 1 }), String(claimAmountFen)).toEqual([
        'CLAIM_AMOUNT_INVALID@case.claimAmountFen',
      ]);
    }
  });

  it('BANK_ACCOUNT_NOT_APPLICANTS when the holder name or ID differs from the applicant', () => {
    expect(failuresOf({ bankAccount: { holderName: '王小红' } })).toEqual([
      'BANK_ACCOUNT_NOT_APPLICANTS@bankAccount.holderName',
    ]);
    const first17 = '11010519850312125';
    const other = first17 + residentIdCheckDigit(first17);
    expect(failuresOf({ bankAccount: { holderIdNumber: other } })).toEqual([
      'BANK_ACCOUNT_NOT_APPLICANTS@bankAccount.holderIdNumber',
    ]);
    expect(
      failuresOf({ bankAccount: { holderName: ' 王小明 ', holderIdNumber: ` ${VALID_ID_NUMBER}` } }),
    ).toEqual([]);
  });

  it('BANK_ACCOUNT_INCOMPLETE for a blank bank name or a malformed account number', () => {
    expect(failuresOf({ bankAccount: { bankName: '' } })).toEqual([
      'BANK_ACCOUNT_INCOMPLETE@bankAccount.bankName',
    ]);
    expect(failuresOf({ bankAccount: { accountNumber: '6222-ABC' } })).toEqual([
      'BANK_ACCOUNT_INCOMPLETE@bankAccount.accountNumber',
    ]);
    expect(failuresOf({ bankAccount: { accountNumber: '6222 0202 0011 2233 445' } })).toEqual([]);
  });
});

describe('evaluateEligibility: amount limits come from the campaign', () => {
  const special = { specialCircumstance: { reason: '申请执行人身患重病，家庭无其他收入来源' } };

  it('accepts a claim exactly at the standard limit without a reason', () => {
    expect(failuresOf({ case: { claimAmountFen: 5_000_000 } })).toEqual([]);
  });

  it('requires a special reason above the standard limit, and only that', () => {
    expect(failuresOf({ case: { claimAmountFen: 5_000_001 } })).toEqual([
      'SPECIAL_REASON_REQUIRED@specialCircumstance.reason',
    ]);
    expect(failuresOf({ case: { claimAmountFen: 8_000_000 }, specialCircumstance: { reason: ' ' } })).toEqual(
      ['SPECIAL_REASON_REQUIRED@specialCircumstance.reason'],
    );
    expect(failuresOf({ case: { claimAmountFen: 8_000_000 }, ...special })).toEqual([]);
    expect(failuresOf({ case: { claimAmountFen: 10_000_000 }, ...special })).toEqual([]);
  });

  it('refuses a claim above the special limit with AMOUNT_OVER_LIMIT only, reason or not', () => {
    expect(failuresOf({ case: { claimAmountFen: 10_000_001 }, ...special })).toEqual([
      'AMOUNT_OVER_LIMIT@case.claimAmountFen',
    ]);
    const noReason = evaluate({ case: { claimAmountFen: 12_000_000 } }).failures;
    expect(noReason.map((f) => f.code)).toEqual(['AMOUNT_OVER_LIMIT']);
    expect(noReason[0]?.message).toContain('120,000.00');
    expect(noReason[0]?.messageZh).toContain('100,000.00');
  });

  it('uses the limits of the campaign in the context, not the 2018 figures', () => {
    const campaign = { standardLimitFen: 2_000_000, specialLimitFen: 4_000_000 };
    expect(failuresOf({}, { campaign })).toEqual(['SPECIAL_REASON_REQUIRED@specialCircumstance.reason']);
    expect(failuresOf(special, { campaign })).toEqual([]);
    expect(failuresOf({}, { campaign: { standardLimitFen: 1_000_000, specialLimitFen: 2_000_000 } })).toEqual(
      ['AMOUNT_OVER_LIMIT@case.claimAmountFen'],
    );
    expect(
      failuresOf(
        { case: { claimAmountFen: 20_000_000 }, reliefAmountFen: 100 },
        {
          campaign: { standardLimitFen: 20_000_000, specialLimitFen: 30_000_000 },
        },
      ),
    ).toEqual([]);
  });
});

describe('evaluateEligibility: every failure at once', () => {
  it('reports all failures together, in FAILURE_CODES order', () => {
    const result = evaluateEligibility(
      validFacts({
        case: {
          caseNumber: '(2018)京0108执保77号',
          category: 'other',
          kind: 'preservation',
          claimAmountFen: 12_000_000,
          concluded: true,
          terminationConditions: { met: false, basis: '' },
        },
        applicant: { kind: 'legal-person', idNumber: '110105198503121230' },
        hardship: { statement: '' },
        consentToTermination: false,
        priorJudicialRelief: true,
        reliefAmountFen: 12_000_001,
        bankAccount: {
          bankName: ' ',
          holderName: '某公司',
          holderIdNumber: '91110000MA01234567',
          accountNumber: '12',
        },
      }),
      validContext(),
    );
    expect(result.eligible).toBe(false);
    expect(result.failures.map((f) => `${f.code}@${f.path}`)).toEqual([
      'CATEGORY_REASON_REQUIRED@case.categoryReason',
      'PRESERVATION_CASE@case.kind',
      'CASE_COURT_MISMATCH@case.caseNumber',
      'CASE_CONCLUDED@case.concluded',
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.met',
      'AMOUNT_OVER_LIMIT@case.claimAmountFen',
      'NOT_NATURAL_PERSON@applicant.kind',
      'INVALID_ID_NUMBER@applicant.idNumber',
      'INVALID_ID_NUMBER@bankAccount.holderIdNumber',
      'HARDSHIP_NOT_SHOWN@hardship.statement',
      'NO_CONSENT@consentToTermination',
      'PRIOR_RELIEF@priorJudicialRelief',
      'RELIEF_EXCEEDS_CLAIM@reliefAmountFen',
      'BANK_ACCOUNT_INCOMPLETE@bankAccount.bankName',
      'BANK_ACCOUNT_INCOMPLETE@bankAccount.accountNumber',
      'BANK_ACCOUNT_NOT_APPLICANTS@bankAccount.holderName',
      'BANK_ACCOUNT_NOT_APPLICANTS@bankAccount.holderIdNumber',
    ]);
    const ranks = result.failures.map((f) => FAILURE_CODES.indexOf(f.code));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('combines case-number, category and amount failures', () => {
    expect(
      failuresOf({
        case: { caseNumber: '(2018)京0105民初5号', category: 'tax', claimAmountFen: 0 },
        reliefAmountFen: 0,
      }),
    ).toEqual([
      'CATEGORY_NOT_COVERED@case.category',
      'NOT_ENFORCEMENT_CASE@case.caseNumber',
      'CLAIM_AMOUNT_INVALID@case.claimAmountFen',
      'RELIEF_AMOUNT_INVALID@reliefAmountFen',
    ]);
  });

  it('every failure carries an English and a Chinese message without personal numbers', () => {
    const { failures } = evaluate({
      case: { caseNumber: 'bad', category: 'other', concluded: true },
      applicant: { idNumber: '110105198503121235' },
      bankAccount: { holderName: '李四' },
      consentToTermination: false,
    });
    expect(failures.length).toBeGreaterThanOrEqual(6);
    for (const f of failures) {
      expect(FAILURE_CODES).toContain(f.code);
      expect(f.message).toMatch(/^[A-Z].*\.$/);
      expect(f.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(`${f.message}${f.messageZh}`).not.toMatch(/1101051985|6222020200/);
    }
  });

  it('FAILURE_CODES lists every code exactly once', () => {
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length);
    expect(FAILURE_CODES).toEqual(
      expect.arrayContaining([
        'CATEGORY_NOT_COVERED',
        'PRESERVATION_CASE',
        'NOT_NATURAL_PERSON',
        'CASE_CONCLUDED',
        'TERMINATION_CONDITIONS_NOT_MET',
        'AMOUNT_OVER_LIMIT',
        'SPECIAL_REASON_REQUIRED',
        'NO_CONSENT',
        'PRIOR_RELIEF',
        'INVALID_ID_NUMBER',
      ]),
    );
  });
});
