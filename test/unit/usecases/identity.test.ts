import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApplicationFacts } from '../../../functions/domain/eligibility.ts';
import type { ApplicationRecord } from '../../../functions/ports/applications.ts';
import { duplicateKeyOf } from '../../../functions/usecases/applications.ts';
import { buildPackage, type PayoutDeps } from '../../../functions/usecases/payouts.ts';
import { reportDelta } from '../../../functions/usecases/report-keys.ts';
import { validResidentIdArb } from '../domain/arbitraries.ts';
import { VALID_ID_NUMBER, validFacts } from '../domain/fixtures.ts';

/** The ways the issue "Integrity" (defect 1) made the same person a new application. */
const SAME_PERSON = [
  '110105-19850312-1234',
  '110105 19850312 1234',
  `${VALID_ID_NUMBER}\u200B`,
  '１１０１０５１９８５０３１２１２３４',
  `\uFEFF110105\u2011198503121234\u3000`,
];

const withId = (idNumber: string, idType: 'resident-id' | 'other' = 'resident-id'): ApplicationFacts =>
  validFacts({ applicant: { idType, idNumber }, bankAccount: { holderIdNumber: idNumber } });

describe('duplicateKeyOf: one open or paid application per case and person', () => {
  const key = duplicateKeyOf(withId(VALID_ID_NUMBER));

  it('is the same for the same resident ID however it was typed', () => {
    for (const idNumber of SAME_PERSON) expect(duplicateKeyOf(withId(idNumber)), idNumber).toBe(key);
  });

  it('never depends on the document type chosen for a valid resident ID number', () => {
    expect(duplicateKeyOf(withId(VALID_ID_NUMBER, 'other'))).toBe(key);
    for (const idNumber of SAME_PERSON) expect(duplicateKeyOf(withId(idNumber, 'other')), idNumber).toBe(key);
  });

  it('keys another document number by its canonical form', () => {
    expect(duplicateKeyOf(withId('e1234-5678', 'other'))).toBe(duplicateKeyOf(withId('E12345678', 'other')));
    expect(duplicateKeyOf(withId('E12345678', 'other'))).not.toBe(
      duplicateKeyOf(withId('E12345679', 'other')),
    );
  });

  it('differs for another person or another case, and is the same for the full-width case number', () => {
    expect(duplicateKeyOf(withId('11010519491231002X'))).not.toBe(key);
    expect(duplicateKeyOf(validFacts({ case: { caseNumber: '(2018)京0105执1235号' } }))).not.toBe(key);
    expect(duplicateKeyOf(validFacts({ case: { caseNumber: '（2018）京0105执1234号' } }))).toBe(key);
  });

  it('property: equal for two resident IDs exactly when they are the same number', () => {
    fc.assert(
      fc.property(
        validResidentIdArb,
        validResidentIdArb,
        fc.constantFrom('-', ' ', '\u200B', '\u3000', '\u2060'),
        fc.nat(18),
        fc.constantFrom('resident-id' as const, 'other' as const),
        (a, b, noise, at, idType) => {
          const typed = a.slice(0, at) + noise + a.slice(at);
          expect(duplicateKeyOf(withId(typed, idType)) === duplicateKeyOf(withId(b))).toBe(a === b);
        },
      ),
    );
  });
});

function record(facts: ApplicationFacts, over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    ...facts,
    id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    campaignId: 'demo',
    courtCode: 'BJ0105',
    highCourtCode: 'BJ',
    status: 'awaiting_payout',
    version: 5,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    createdBy: 'clerk',
    eligibility: { eligible: true, failures: [] },
    duplicateKey: duplicateKeyOf(facts),
    route: ['BJ0105', 'BJ'],
    pendingAt: null,
    ancestors: ['BJ'],
    auditSeq: 5,
    auditHead: 'h',
    submission: { seq: 1 } as ApplicationRecord['submission'],
    ...over,
  };
}

describe('the insurer package and the reports use the canonical identity', () => {
  it('sends canonical ID numbers to the insurer, even for a record stored before canonicalisation', async () => {
    const deps = {
      repo: { listDocuments: async () => [] },
      storage: { presignDownload: async () => ({ url: 'u', expiresAt: 'e' }) },
    } as unknown as PayoutDeps;
    const pkg = await buildPackage(deps, record(withId('110105-19850312-1234\u200B')), []);
    expect(pkg.applicant.idNumber).toBe(VALID_ID_NUMBER);
    expect(pkg.bankAccount.holderIdNumber).toBe(VALID_ID_NUMBER);
  });

  it('counts a person once in the reports whatever document type or typing was stored', () => {
    const personKey = (r: ApplicationRecord) => reportDelta(r, { paid: 1 }, true).paid?.personKey;
    const reference = personKey(record(withId(VALID_ID_NUMBER)));
    expect(reference).toMatch(/^[0-9a-f]{32}$/);
    for (const idNumber of SAME_PERSON) {
      expect(personKey(record(withId(idNumber))), idNumber).toBe(reference);
      expect(personKey(record(withId(idNumber, 'other'))), idNumber).toBe(reference);
    }
    expect(personKey(record(withId('11010519491231002X')))).not.toBe(reference);
  });
});
