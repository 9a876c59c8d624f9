import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalIdNumber,
  ID_PROVINCE_CODES,
  identityKeyOf,
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

/** Characters a clerk's keyboard, a PDF or a spreadsheet puts into an ID number that are not part of it. */
const NOISE = [
  ' ',
  '\t',
  '\n',
  '\u00A0',
  '\u3000', // spaces: ASCII, tab, newline, no-break, ideographic
  '-',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\uFE63',
  '\uFF0D', // dashes, minus
  '\u00AD',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u2060',
  '\uFEFF',
  '\u202A',
  '\u202E', // Cf
];
/** Full-width (U+FF10-U+FF19, U+FF38, U+FF58) form of an ASCII ID. */
const fullWidth = (id: string) =>
  id.replace(/[0-9Xx]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const noiseArb = fc.constantFrom(...NOISE);
/** A valid ID with 1-6 noise characters inserted anywhere (before, inside, after). */
const decoratedIdArb = fc
  .tuple(validResidentIdArb, fc.array(fc.tuple(fc.nat(18), noiseArb), { minLength: 1, maxLength: 6 }))
  .map(([id, inserts]) => ({
    id,
    decorated: inserts.reduce((s, [at, ch]) => s.slice(0, at) + ch + s.slice(at), id),
  }));

describe('canonicalIdNumber (one person is one person)', () => {
  const id = '11010519491231002X';

  it('removes hyphens, spaces and invisible format characters, as typed or pasted', () => {
    for (const typed of [
      '110105-19491231-002X',
      '110105 19491231 002X',
      '110105\u300019491231\u3000002X',
      '110105–19491231—002X',
      `${id}\u200B`,
      `\uFEFF${id}`,
      `\u202D${id}\u202C`,
      `110105\u00AD19491231\u2060002X`,
      ` ${id}\n`,
    ]) {
      expect(canonicalIdNumber(typed), JSON.stringify(typed)).toBe(id);
    }
  });

  it('maps full-width digits and letters to half-width and upper-cases x', () => {
    expect(canonicalIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe(id);
    expect(canonicalIdNumber('11010519491231002x')).toBe(id);
    expect(canonicalIdNumber('ｅ１２３４５６７８')).toBe('E12345678');
    expect(canonicalIdNumber('e1234-5678')).toBe('E12345678');
  });

  it('keeps what is part of the number: digits, letters, other punctuation', () => {
    expect(canonicalIdNumber('AB/12.34')).toBe('AB/12.34');
    expect(canonicalIdNumber('')).toBe('');
    expect(canonicalIdNumber(' -\u200B ')).toBe('');
  });

  it('property: any decoration of a valid ID canonicalises to it, still validates, and keys the same person', () => {
    fc.assert(
      fc.property(decoratedIdArb, ({ id, decorated }) => {
        expect(canonicalIdNumber(decorated)).toBe(id);
        expect(validateResidentId(decorated)).toMatchObject({ ok: true, normalized: id });
        expect(identityKeyOf(decorated)).toBe(`resident-id:${id}`);
        expect(maskIdNumber(decorated)).toBe(maskIdNumber(id));
      }),
    );
  });

  it('property: the full-width form of a valid ID, lower-case x included, is the same ID', () => {
    fc.assert(
      fc.property(validResidentIdArb, (id) => {
        expect(canonicalIdNumber(fullWidth(id.toLowerCase()))).toBe(id);
        expect(identityKeyOf(fullWidth(id))).toBe(identityKeyOf(id));
      }),
    );
  });

  it('is idempotent where removing a character or upper-casing leaves text to compose', () => {
    expect(canonicalIdNumber('e\u200B\u0301')).toBe('\u00C9'); // e, ZWSP, combining acute → É
    for (const text of ['e\u200B\u0301', '\u0390', '\u01F0', 'a-\u0308']) {
      const once = canonicalIdNumber(text);
      expect(canonicalIdNumber(once), JSON.stringify(text)).toBe(once);
      expect(once).toBe(once.normalize('NFKC'));
    }
  });

  it('property: idempotent, and the result holds no whitespace, dash, format character or lower case', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: fc.oneof(noiseArb, fc.constantFrom(...'0123456789xX１ｘ')), maxLength: 30 }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const c = canonicalIdNumber(text);
        expect(canonicalIdNumber(c)).toBe(c);
        expect(c).not.toMatch(/[\s\p{Pd}\u2212\p{Cf}]/u);
        expect(c).toBe(c.toUpperCase());
        expect(c).toBe(c.normalize('NFKC'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('identityKeyOf', () => {
  it('keys a valid resident ID as resident-id and anything else as other, never by a chosen type', () => {
    expect(identityKeyOf('110105-1949-1231-002x')).toBe('resident-id:11010519491231002X');
    expect(identityKeyOf('110105198503121235')).toBe('other:110105198503121235'); // wrong check digit
    expect(identityKeyOf('e1234 5678')).toBe('other:E12345678');
  });

  it('property: two numbers key the same person exactly when their canonical forms are equal', () => {
    fc.assert(
      fc.property(decoratedIdArb, validResidentIdArb, ({ id, decorated }, other) => {
        expect(identityKeyOf(decorated) === identityKeyOf(other)).toBe(id === other);
      }),
    );
  });
});
