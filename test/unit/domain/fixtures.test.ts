import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateResidentId } from '../../../functions/domain/id-number.ts';
import {
  deepMerge,
  VALID_CASE_NUMBER,
  VALID_ID_NUMBER,
  validApplicationBody,
  validContext,
  validFacts,
} from './fixtures.ts';

describe('shared fixtures', () => {
  it('the JSON file is the POST /applications body: campaignId demo plus the valid facts', () => {
    const raw = JSON.parse(
      readFileSync(new URL('../../fixtures/application.valid.json', import.meta.url), 'utf8'),
    );
    expect(raw).toEqual({ campaignId: 'demo', ...validFacts() });
    expect(validApplicationBody()).toEqual(raw);
  });

  it('describes the documented application', () => {
    const facts = validFacts();
    expect(facts.case.caseNumber).toBe(VALID_CASE_NUMBER);
    expect(facts.case.claimAmountFen).toBe(3_000_000);
    expect(facts.reliefAmountFen).toBe(3_000_000);
    expect(facts.applicant.idNumber).toBe(VALID_ID_NUMBER);
    expect(validateResidentId(VALID_ID_NUMBER, { today: '2018-12-21' }).ok).toBe(true);
    expect(validContext().executingCourt.code).toBe('BJ0105');
  });

  it('returns a fresh copy every time', () => {
    const a = validFacts();
    a.case.concluded = true;
    expect(validFacts().case.concluded).toBe(false);
  });

  it('deep-merges overrides and deletes keys given as undefined', () => {
    const facts = validFacts({ case: { concluded: true }, applicant: { phone: undefined } });
    expect(facts.case.concluded).toBe(true);
    expect(facts.case.caseNumber).toBe(VALID_CASE_NUMBER);
    expect('phone' in facts.applicant).toBe(false);
    expect(deepMerge({ a: [1, 2], b: 1 }, { a: [3] })).toEqual({ a: [3], b: 1 });
  });
});
