import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAccountNumber, maskIdNumber } from '../../../functions/domain/id-number.ts';
import type { Principal, Role } from '../../../functions/lib/auth.ts';
import type { ApplicationRecord } from '../../../functions/ports/applications.ts';
import { applicationView } from '../../../functions/usecases/applications.ts';
import { validResidentIdArb } from '../domain/arbitraries.ts';

/**
 * Masking of personal numbers (api-contract "Personal data": `110105********123X`,
 * `6222 **** **** 1234`), as properties: the masked form never reveals more than the first 6 / last 4
 * characters of an ID number nor more than the first 4 / last 4 digits of an account, whatever the
 * input; and an application is shown unmasked to the executing court's clerks only.
 */

const digit = fc.constantFrom(...'0123456789');
/** Account numbers as clerks type them: 1-40 digits, with spaces anywhere (and around). */
const typedAccountArb = fc
  .array(fc.tuple(digit, fc.constantFrom('', '', '', ' ', '  ')), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.map(([d, sep]) => d + sep).join(''));
const revealed = (masked: string) => masked.replace(/[*\s]/g, '');

describe('maskIdNumber', () => {
  it('keeps exactly the first 6 and last 4 characters of a resident ID and hides the birth date', () => {
    fc.assert(
      fc.property(validResidentIdArb, (id) => {
        const masked = maskIdNumber(id);
        expect(masked).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
        expect(masked).not.toContain(id.slice(6, 14));
        expect(revealed(masked)).toHaveLength(10);
      }),
    );
  });

  it('never reveals more than 10 characters of any input, and never the whole of a longer one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (raw) => {
        const normalized = raw.trim().toUpperCase();
        const masked = maskIdNumber(raw);
        const kept = [...masked].filter((c) => c !== '*').length;
        expect(kept).toBeLessThanOrEqual(10);
        if (normalized.length > 4) expect(masked).not.toBe(normalized);
        if (normalized.length > 4 && !normalized.includes('*')) expect(kept).toBeLessThan(normalized.length);
      }),
    );
  });

  it('hides at least 8 of 18 characters and every character of a short value', () => {
    fc.assert(
      fc.property(fc.string({ unit: digit, minLength: 0, maxLength: 30 }), (id) => {
        const masked = maskIdNumber(id);
        const hidden = [...masked].filter((c) => c === '*').length;
        if (id.length === 18) expect(hidden).toBe(8);
        else if (id.length <= 4) expect(masked).toBe('*'.repeat(id.length));
        else expect(hidden).toBe(id.length - 4);
      }),
    );
  });

  it('masks lower-case check digits and padded input like the canonical form (no second spelling leaks)', () => {
    fc.assert(
      fc.property(validResidentIdArb, (id) => {
        expect(maskIdNumber(` ${id.toLowerCase()} `)).toBe(maskIdNumber(id));
      }),
    );
  });
});

describe('maskAccountNumber', () => {
  it('keeps at most the first 4 and last 4 digits, and hides at least 4', () => {
    fc.assert(
      fc.property(typedAccountArb, (typed) => {
        const all = typed.replace(/\s+/g, '');
        const shown = revealed(maskAccountNumber(typed));
        if (all.length < 8) expect(shown).toBe('');
        else if (all.length < 12) expect(shown).toBe(all.slice(-4));
        else expect(shown).toBe(all.slice(0, 4) + all.slice(-4));
        expect(all.length - shown.length).toBeGreaterThanOrEqual(Math.min(all.length, 4));
      }),
    );
  });

  it('has the contract’s shape: groups of four separated by single spaces', () => {
    fc.assert(
      fc.property(typedAccountArb, (typed) => {
        const masked = maskAccountNumber(typed);
        expect(masked).toMatch(/^(\*{4}|(\d{4} )?(\*{4} )+\d{4})$/);
      }),
    );
    expect(maskAccountNumber('6222 0812 3456 1234')).toBe('6222 **** **** 1234');
    expect(maskAccountNumber('6222081234561234')).toBe('6222 **** **** 1234');
  });

  it('gives the same mask however the number was spaced (spacing reveals nothing more)', () => {
    fc.assert(
      fc.property(typedAccountArb, (typed) => {
        expect(maskAccountNumber(typed)).toBe(maskAccountNumber(typed.replace(/\s+/g, '')));
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Who sees what

const COURTS = ['BJ0105', 'BJ0108', 'BJ03', 'BJ01', 'BJ', 'SH', 'SPC'] as const;
const principalArb: fc.Arbitrary<Principal> = fc.record({
  sub: fc.string({ minLength: 1, maxLength: 10 }),
  court: fc.constantFrom(...COURTS),
  roles: fc.uniqueArray(fc.constantFrom<Role>('clerk', 'approver', 'spc-admin'), {
    minLength: 1,
    maxLength: 3,
  }),
});

function record(idNumber: string, accountNumber: string): ApplicationRecord {
  const at = '2024-06-01T00:00:00.000Z';
  return {
    id: '01JABCDEFGHJKMNPQRSTVWXYZA',
    campaignId: 'demo',
    courtCode: 'BJ0105',
    highCourtCode: 'BJ',
    status: 'draft',
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: 'clerk',
    case: {
      caseNumber: '(2024)京0105执1号',
      category: 'labor-remuneration',
      kind: 'enforcement',
      claimAmountFen: 100_000,
      concluded: false,
      terminationConditions: { met: true, basis: '无财产' },
    },
    applicant: { name: '张三', idType: 'resident-id', idNumber },
    hardship: { statement: '困难' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: 100_000,
    bankAccount: { bankName: '银行', holderName: '张三', holderIdNumber: idNumber, accountNumber },
    eligibility: { eligible: true, failures: [] },
    duplicateKey: 'k',
    route: ['BJ0105', 'BJ'],
    pendingAt: null,
    ancestors: ['BJ03', 'BJ'],
    auditSeq: 1,
    auditHead: 'h',
  };
}

describe('applicationView', () => {
  it('shows the numbers in full to the executing court’s clerks only; to anyone else nowhere in the view', () => {
    fc.assert(
      fc.property(
        validResidentIdArb,
        fc.string({ unit: digit, minLength: 16, maxLength: 19 }),
        principalArb,
        (idNumber, account, principal) => {
          const view = applicationView(record(idNumber, account), principal);
          const text = JSON.stringify(view);
          const entitled = principal.court === 'BJ0105' && principal.roles.includes('clerk');
          if (entitled) {
            expect(view.applicant.idNumber).toBe(idNumber);
            expect(view.bankAccount.accountNumber).toBe(account);
          } else {
            expect(text).not.toContain(idNumber);
            expect(text).not.toContain(idNumber.slice(6, 14));
            expect(text).not.toContain(account);
            expect(text).not.toContain(account.slice(4, -4));
            expect(view.applicant.idNumber).toBe(maskIdNumber(idNumber));
            expect(view.bankAccount.holderIdNumber).toBe(maskIdNumber(idNumber));
            expect(view.bankAccount.accountNumber).toBe(maskAccountNumber(account));
          }
        },
      ),
    );
  });

  it('does not hand out the stored record’s internals (task token, duplicate key, audit head)', () => {
    const stored = {
      ...record('110105198001011234', '6222081234561234'),
      taskToken: { submissionSeq: 1, level: 0, token: 'secret-token' },
    };
    const text = JSON.stringify(applicationView(stored, { sub: 'c', court: 'BJ0105', roles: ['clerk'] }));
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('duplicateKey');
    expect(text).not.toContain('auditHead');
  });
});
