import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ID_PROVINCE_CODES,
  isCalendarDate,
  maskAccountNumber,
  maskIdNumber,
  residentIdCheckDigit,
  validateResidentId,
} from '../../../functions/domain/id-number.ts';
import { validResidentIdArb } from './arbitraries.ts';

/** Builds a full ID from its first 17 digits. */
const withCheck = (first17: string) => first17 + residentIdCheckDigit(first17);

describe('residentIdCheckDigit (ISO 7064 MOD 11-2)', () => {
  it('computes known check digits', () => {
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
    expect(residentIdCheckDigit('11010519850312123')).toBe('4');
    expect(residentIdCheckDigit('44030719900101001')).toBe(withCheck('44030719900101001').slice(-1));
  });

  it('matches the examples of GB 11643-1999', () => {
    expect(residentIdCheckDigit('44052418800101001')).toBe('4');
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
  });

  it('property: agrees with the textbook formula (12 − Σ dᵢ·2^(17−i) mod 11) mod 11, 10 written X', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 17, maxLength: 17 }),
        (first17) => {
          let sum = 0;
          for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
          const value = (12 - (sum % 11)) % 11;
          expect(residentIdCheckDigit(first17)).toBe(value === 10 ? 'X' : String(value));
        },
      ),
    );
  });

  it('throws RangeError unless given exactly 17 digits', () => {
    for (const bad of ['1101051949123100', '110105194912310021', '1101051949123100X', '１1010519491231002']) {
      expect(() => residentIdCheckDigit(bad), bad).toThrow(RangeError);
    }
  });
});

describe('validateResidentId', () => {
  it('accepts a valid ID and reports birth date and sex', () => {
    expect(validateResidentId('110105198503121234')).toEqual({
      ok: true,
      normalized: '110105198503121234',
      birthDate: '1985-03-12',
      sex: 'male',
    });
    expect(validateResidentId('11010519491231002X')).toMatchObject({ ok: true, sex: 'female' });
  });

  it('normalises a lowercase x and surrounding whitespace', () => {
    expect(validateResidentId(' 11010519491231002x ')).toMatchObject({
      ok: true,
      normalized: '11010519491231002X',
    });
  });

  it('reports LENGTH for anything but 18 characters', () => {
    expect(validateResidentId('11010519491231002')).toEqual({ ok: false, reason: 'LENGTH' });
    expect(validateResidentId('11010519491231002X1')).toEqual({ ok: false, reason: 'LENGTH' });
    expect(validateResidentId('')).toEqual({ ok: false, reason: 'LENGTH' });
  });

  it('reports CHARACTERS for letters or an X anywhere but last', () => {
    expect(validateResidentId('1101051949123100XX')).toEqual({ ok: false, reason: 'CHARACTERS' });
    expect(validateResidentId('11010519491231002Y')).toEqual({ ok: false, reason: 'CHARACTERS' });
    expect(validateResidentId('110105１94912310021')).toMatchObject({ ok: false });
  });

  it('reports REGION for an unknown province code', () => {
    expect(validateResidentId(withCheck('00010519491231002'))).toEqual({ ok: false, reason: 'REGION' });
    expect(validateResidentId(withCheck('91010519491231002'))).toEqual({ ok: false, reason: 'REGION' });
    expect(validateResidentId(withCheck('16010519491231002'))).toEqual({ ok: false, reason: 'REGION' });
  });

  it('accepts every listed province code, including Hong Kong, Macao and Taiwan', () => {
    expect(ID_PROVINCE_CODES).toHaveLength(35);
    for (const p of ID_PROVINCE_CODES) {
      expect(validateResidentId(withCheck(`${p}010519491231002`)).ok, p).toBe(true);
    }
  });

  it('reports BIRTH_DATE for impossible dates, dates before 1900 and dates after today', () => {
    expect(validateResidentId(withCheck('11010519490230002'))).toEqual({ ok: false, reason: 'BIRTH_DATE' });
    expect(validateResidentId(withCheck('11010519491301002'))).toEqual({ ok: false, reason: 'BIRTH_DATE' });
    expect(validateResidentId(withCheck('11010519000229002'))).toEqual({ ok: false, reason: 'BIRTH_DATE' });
    expect(validateResidentId(withCheck('11010518991231002'))).toEqual({ ok: false, reason: 'BIRTH_DATE' });
    expect(validateResidentId(withCheck('11010520000229002')).ok).toBe(true);
    const future = withCheck('11010520181222002');
    expect(validateResidentId(future, { today: '2018-12-21' })).toEqual({ ok: false, reason: 'BIRTH_DATE' });
    expect(validateResidentId(future, { today: '2018-12-22' }).ok).toBe(true);
    expect(validateResidentId(future).ok).toBe(true);
  });

  it('reports CHECK_DIGIT for a wrong check digit', () => {
    expect(validateResidentId('110105198503121235')).toEqual({ ok: false, reason: 'CHECK_DIGIT' });
    expect(validateResidentId('11010519850312123X')).toEqual({ ok: false, reason: 'CHECK_DIGIT' });
  });

  it('throws RangeError for a malformed today option', () => {
    expect(() => validateResidentId('110105198503121234', { today: '2018/12/21' })).toThrow(RangeError);
    expect(() => validateResidentId('110105198503121234', { today: '2018-02-30' })).toThrow(RangeError);
  });

  it('property: generated valid IDs always validate, with the generated birth date', () => {
    fc.assert(
      fc.property(validResidentIdArb, (id) => {
        const r = validateResidentId(id, { today: '2018-12-21' });
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.birthDate.replaceAll('-', '')).toBe(id.slice(6, 14));
          expect(r.sex).toBe(Number(id[16]) % 2 === 1 ? 'male' : 'female');
        }
      }),
    );
  });

  it('property: changing any single digit of the first 17 makes the ID fail', () => {
    fc.assert(
      fc.property(validResidentIdArb, fc.nat(16), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        const digit = (Number(id[pos]) + delta) % 10;
        const changed = id.slice(0, pos) + digit + id.slice(pos + 1);
        expect(validateResidentId(changed).ok).toBe(false);
      }),
    );
  });

  it('property: any other check character makes the ID fail with CHECK_DIGIT', () => {
    fc.assert(
      fc.property(validResidentIdArb, fc.constantFrom(...'0123456789X'), (id, check) => {
        fc.pre(check !== id[17]);
        expect(validateResidentId(id.slice(0, 17) + check)).toEqual({ ok: false, reason: 'CHECK_DIGIT' });
      }),
    );
  });

  it('property: a lowercase x normalises to X', () => {
    const endingInX = validResidentIdArb.filter((id) => id.endsWith('X'));
    fc.assert(
      fc.property(endingInX, (id) => {
        expect(validateResidentId(id.toLowerCase())).toMatchObject({ ok: true, normalized: id });
      }),
    );
  });
});

describe('isCalendarDate', () => {
  it('knows leap years and month lengths', () => {
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2019-04-31')).toBe(false);
    expect(isCalendarDate('2019-00-10')).toBe(false);
    expect(isCalendarDate('20190110')).toBe(false);
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 6 and last 4 of an 18-character ID', () => {
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
    expect(maskIdNumber('110105198503121234')).toBe('110105********1234');
  });

  it('keeps first 2 and last 2 of other lengths and hides short values fully', () => {
    expect(maskIdNumber('E12345678')).toBe('E1*****78');
    expect(maskIdNumber('AB12C')).toBe('AB*2C');
    expect(maskIdNumber('1234')).toBe('****');
  });

  it('property: never reveals the birth date of a resident ID', () => {
    fc.assert(
      fc.property(validResidentIdArb, (id) => {
        const masked = maskIdNumber(id);
        expect(masked).toHaveLength(18);
        expect(masked.slice(6, 14)).toBe('********');
      }),
    );
  });
});

describe('maskAccountNumber', () => {
  it('shows the first and last four digits with **** groups between', () => {
    expect(maskAccountNumber('6222021234561234')).toBe('6222 **** **** 1234');
    expect(maskAccountNumber('6222 0212 3456 1234')).toBe('6222 **** **** 1234');
    expect(maskAccountNumber('6222020200112233445')).toBe('6222 **** **** **** 3445');
    expect(maskAccountNumber('123456789012')).toBe('1234 **** 9012');
  });

  it('shows only the last four of 8-11 digit numbers and nothing of shorter ones', () => {
    expect(maskAccountNumber('123456789')).toBe('**** **** 6789');
    expect(maskAccountNumber('12345678')).toBe('**** 5678');
    expect(maskAccountNumber('1234567')).toBe('****');
    expect(maskAccountNumber('1234')).toBe('****');
  });

  it('property: shows at most eight digits and always hides at least four', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 }),
        (acct) => {
          const shown = maskAccountNumber(acct).replace(/[^0-9]/g, '');
          expect(shown.length).toBeLessThanOrEqual(Math.min(8, Math.max(0, acct.length - 4)));
        },
      ),
    );
  });
});
