import { describe, expect, it } from 'vitest';
import {
  type ApplicationFacts,
  addCalendarMonths,
  type EligibilityContext,
  evaluateEligibility,
  type TerminationChecklist,
} from '../../../functions/domain/eligibility.ts';
import { residentId } from '../../support/applications.ts';
import { type DeepPartial, validContext, validFacts } from './fixtures.ts';

/** Failures as "CODE@path" strings, in reported order (context: today 2018-12-21, Shanghai). */
const failuresOf = (overrides?: DeepPartial<ApplicationFacts>, ctx?: Partial<EligibilityContext>) =>
  evaluateEligibility(validFacts(overrides), validContext(ctx)).failures.map((f) => `${f.code}@${f.path}`);

const done = (at = '2018-08-01', reference?: string) => ({
  done: true,
  at,
  ...(reference ? { reference } : {}),
});
const CHECKLIST: TerminationChecklist = {
  executionNoticeServed: done('2018-06-05'),
  propertyReportOrdered: done('2018-06-05'),
  consumptionRestricted: { done: true, reference: '（2018）京0105执1234号之一限制消费令' },
  investigationExhausted: done('2018-09-10'),
  debtorSearchedOrSanctioned: done('2018-09-20'),
};
const REQUIRED = { campaign: { ...validContext().campaign, requireTerminationChecklist: true } };
const withChecklist = (filedAt: string | undefined, checklist: Partial<TerminationChecklist> = CHECKLIST) =>
  ({ case: { filedAt, terminationConditions: { checklist } } }) as DeepPartial<ApplicationFacts>;

describe('termination conditions (终本 Art. 1) in eligibility', () => {
  it('a filed date and a complete checklist pass; neither is needed unless the campaign says so', () => {
    expect(failuresOf(withChecklist('2018-06-01'), REQUIRED)).toEqual([]);
    expect(failuresOf()).toEqual([]);
  });

  it('a campaign that requires the checklist refuses an application without it or without filedAt', () => {
    expect(failuresOf(undefined, REQUIRED)).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.checklist',
      'FILED_AT_REQUIRED@case.filedAt',
      'TERMINATION_CHECKLIST_REQUIRED@case.terminationConditions.checklist',
    ]);
  });

  it('reports every item not done with its own code, under TERMINATION_CONDITIONS_NOT_MET', () => {
    const checklist = {
      ...CHECKLIST,
      executionNoticeServed: { done: false },
      investigationExhausted: { done: false },
      dishonestListed: { done: false },
    };
    expect(failuresOf(withChecklist('2018-06-01', checklist))).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.checklist',
      'EXECUTION_NOTICE_NOT_SERVED@case.terminationConditions.checklist.executionNoticeServed',
      'DISHONEST_NOT_LISTED@case.terminationConditions.checklist.dishonestListed',
      'INVESTIGATION_NOT_EXHAUSTED@case.terminationConditions.checklist.investigationExhausted',
    ]);
  });

  it('counts more than three months from filing in Shanghai dates: the day after filed + 3 months', () => {
    // today is 2018-12-21: filed 2018-09-20 → three months end 12-20 → more than three months.
    expect(failuresOf(withChecklist('2018-09-20'))).toEqual([]);
    expect(failuresOf(withChecklist('2018-09-21'))).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.checklist',
      'FILED_LESS_THAN_THREE_MONTHS@case.filedAt',
    ]);
    // 2018-09-20T16:30Z is 2018-09-21 00:30 in Beijing: not yet three months.
    expect(failuresOf(withChecklist('2018-09-20T16:30:00Z'))).toContain(
      'FILED_LESS_THAN_THREE_MONTHS@case.filedAt',
    );
    expect(failuresOf(withChecklist('2018-09-20T15:30:00Z'))).toEqual([]);
  });

  it('adds calendar months with the day clamped to the month end', () => {
    expect(addCalendarMonths('2018-11-30', 3)).toBe('2019-02-28');
    expect(addCalendarMonths('2019-11-30', 3)).toBe('2020-02-29');
    expect(addCalendarMonths('2018-09-20', 3)).toBe('2018-12-20');
    expect(addCalendarMonths('2018-12-31', 6)).toBe('2019-06-30');
  });

  it('refuses a filed date in the future or after the application', () => {
    expect(failuresOf(withChecklist('2018-12-22'))).toEqual(['FILED_AT_IN_FUTURE@case.filedAt']);
    expect(
      failuresOf(withChecklist('2018-08-02'), {
        today: '2018-12-21',
        applicationCreatedAt: '2018-08-01T02:00:00Z',
      }),
    ).toEqual(['FILED_AT_AFTER_APPLICATION@case.filedAt']);
  });

  it('refuses an item marked done without its proof (neither date nor reference), and a proof dated in the future', () => {
    const checklist = {
      ...CHECKLIST,
      propertyReportOrdered: { done: true },
      debtorSearchedOrSanctioned: done('2018-12-25'),
    };
    expect(failuresOf(withChecklist('2018-06-01', checklist))).toEqual([
      'TERMINATION_PROOF_MISSING@case.terminationConditions.checklist.propertyReportOrdered',
      'TERMINATION_PROOF_MISSING@case.terminationConditions.checklist.debtorSearchedOrSanctioned.at',
    ]);
    const blankReference = { ...CHECKLIST, propertyReportOrdered: { done: true, reference: '  ' } };
    expect(failuresOf(withChecklist('2018-06-01', blankReference))).toEqual([
      'TERMINATION_PROOF_MISSING@case.terminationConditions.checklist.propertyReportOrdered',
    ]);
  });

  it('does not repeat TERMINATION_CONDITIONS_NOT_MET when met is already false', () => {
    const facts = withChecklist('2018-06-01', { ...CHECKLIST, consumptionRestricted: { done: false } });
    (facts.case as { terminationConditions: { met: boolean } }).terminationConditions.met = false;
    expect(failuresOf(facts)).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET@case.terminationConditions.met',
      'CONSUMPTION_NOT_RESTRICTED@case.terminationConditions.checklist.consumptionRestricted',
    ]);
  });
});

describe('debtors (被执行人) in eligibility', () => {
  const person = {
    name: '李四',
    kind: 'natural',
    idType: 'resident-id',
    idNumber: residentId('110105', '19750101', '321'),
  } as const;
  const company = {
    name: '北京某某建筑工程有限公司',
    kind: 'legal',
    idType: 'unified-social-credit-code',
    idNumber: '91110108551385082Q',
  } as const;
  const requireDebtor = { campaign: { ...validContext().campaign, requireDebtor: true } };

  it('a natural and a legal person pass; none is needed unless the campaign requires it', () => {
    expect(failuresOf({ debtors: [person, company] }, requireDebtor)).toEqual([]);
    expect(failuresOf()).toEqual([]);
  });

  it('DEBTOR_REQUIRED when the campaign requires a debtor and none is named', () => {
    expect(failuresOf(undefined, requireDebtor)).toEqual(['DEBTOR_REQUIRED@debtors']);
    expect(failuresOf({ debtors: [] }, requireDebtor)).toEqual(['DEBTOR_REQUIRED@debtors']);
  });

  it('INVALID_CREDIT_CODE for a legal person whose code fails the GB 32100 check', () => {
    expect(failuresOf({ debtors: [person, { ...company, idNumber: '91110108551385082R' }] })).toEqual([
      'INVALID_CREDIT_CODE@debtors[1].idNumber',
    ]);
  });

  it('INVALID_ID_NUMBER for a natural person whose resident ID fails its check digit', () => {
    const bad = `${person.idNumber.slice(0, 17)}${person.idNumber.endsWith('0') ? '1' : '0'}`;
    expect(failuresOf({ debtors: [{ ...person, idNumber: bad }] })).toEqual([
      'INVALID_ID_NUMBER@debtors[0].idNumber',
    ]);
  });

  it('DEBTOR_ID_TYPE_MISMATCH for a legal person without a credit code or a person with one; ID_TYPE_MISMATCH for a resident ID sent as other', () => {
    expect(failuresOf({ debtors: [{ ...company, idType: 'other' }] })).toEqual([
      'DEBTOR_ID_TYPE_MISMATCH@debtors[0].idType',
    ]);
    expect(failuresOf({ debtors: [{ ...person, idType: 'unified-social-credit-code' }] })).toEqual([
      'DEBTOR_ID_TYPE_MISMATCH@debtors[0].idType',
    ]);
    expect(failuresOf({ debtors: [{ ...person, idType: 'other' }] })).toEqual([
      'ID_TYPE_MISMATCH@debtors[0].idType',
    ]);
    expect(failuresOf({ debtors: [{ ...person, idType: 'other', idNumber: 'E12345678' }] })).toEqual([]);
  });
});
