import { describe, expect, it } from 'vitest';
import { debtorTerminationFacts, debtorTerminationField } from './case-facts.ts';

describe('the debtor, checklist and measure fields as the API body', () => {
  it('sends nothing the clerk left out: no debtors, no measures, no checklist, no filing date', () => {
    expect(debtorTerminationFacts({ debtors: [], measures: [], useChecklist: false })).toEqual({ case: {} });
  });

  it('leaves out debtor and measure rows the clerk left empty', () => {
    expect(
      debtorTerminationFacts({
        debtors: [{ name: ' ', kind: 'natural', idType: 'resident-id', idNumber: '' }],
        measures: [{ kind: 'other', reference: '', since: '' }],
      }),
    ).toEqual({ case: {} });
  });

  it('sends the debtors and measures trimmed, the filing date as typed', () => {
    const facts = debtorTerminationFacts({
      filedAt: '2025-03-03',
      debtors: [
        { name: ' 长沙某公司 ', kind: 'legal', idType: 'unified-social-credit-code', idNumber: ' X1 ' },
      ],
      measures: [{ kind: 'property-freeze', reference: ' 冻结1 ', since: '2025-03-20' }],
    });
    expect(facts).toEqual({
      case: {
        filedAt: '2025-03-03',
        measures: [{ kind: 'property-freeze', reference: '冻结1', since: '2025-03-20' }],
      },
      debtors: [{ name: '长沙某公司', kind: 'legal', idType: 'unified-social-credit-code', idNumber: 'X1' }],
    });
  });

  it('sends every checklist item, undone ones as not done, and leaves out a dishonest listing that is not due', () => {
    const { checklist } = debtorTerminationFacts({
      useChecklist: true,
      checklist: {
        executionNoticeServed: { done: true, at: '2025-03-05' },
        propertyReportOrdered: { done: true, reference: ' （2025）湘0102执1号 ' },
        investigationExhausted: { done: false },
      },
    });
    expect(checklist).toEqual({
      executionNoticeServed: { done: true, at: '2025-03-05' },
      propertyReportOrdered: { done: true, reference: '（2025）湘0102执1号' },
      consumptionRestricted: { done: false },
      investigationExhausted: { done: false },
      debtorSearchedOrSanctioned: { done: false },
    });
  });

  it('sends a dishonest listing once the clerk records it', () => {
    const { checklist } = debtorTerminationFacts({
      useChecklist: true,
      checklist: { dishonestListed: { done: true, at: '2025-04-01' } },
    });
    expect(checklist?.dishonestListed).toEqual({ done: true, at: '2025-04-01' });
  });

  it('points a server error at its field', () => {
    expect(debtorTerminationField('debtors[1].idNumber')).toEqual(['debtors', 1, 'idNumber']);
    expect(debtorTerminationField('debtors')).toEqual(['debtors']);
    expect(debtorTerminationField('case.filedAt')).toEqual(['filedAt']);
    expect(debtorTerminationField('case.measures[0].since')).toEqual(['measures', 0, 'since']);
    expect(debtorTerminationField('case.terminationConditions.checklist.investigationExhausted')).toEqual([
      'checklist',
      'investigationExhausted',
      'done',
    ]);
    expect(debtorTerminationField('case.terminationConditions.checklist.executionNoticeServed.at')).toEqual([
      'checklist',
      'executionNoticeServed',
      'at',
    ]);
    expect(debtorTerminationField('case.terminationConditions.checklist.nonsense')).toBeUndefined();
    expect(debtorTerminationField('applicant.idNumber')).toBeUndefined();
  });
});
