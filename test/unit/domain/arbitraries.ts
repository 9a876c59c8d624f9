/** fast-check generators shared by the domain property tests. */
import fc from 'fast-check';
import {
  ENFORCEMENT_CASE_WORDS,
  PROVINCE_ABBREVIATIONS,
  XPCC_ABBREVIATION,
} from '../../../functions/domain/case-number.ts';
import { ID_PROVINCE_CODES, residentIdCheckDigit } from '../../../functions/domain/id-number.ts';

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

/** A YYYYMMDD birth date from 1900-01-01 to 2018-12-21 (always a real calendar date). */
export const birthDateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2018-12-21T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

/** A valid 18-character resident ID: random province, county digits, birth date, sequence; computed check. */
export const validResidentIdArb = fc
  .tuple(fc.constantFrom(...ID_PROVINCE_CODES), digits(4), birthDateArb, digits(3))
  .map(([province, county, birth, sequence]) => {
    const first17 = `${province}${county}${birth}${sequence}`;
    return first17 + residentIdCheckDigit(first17);
  });

/** Parts of a well-formed enforcement case number. */
export const caseNumberPartsArb = fc.record({
  year: fc.integer({ min: 1990, max: 2100 }),
  courtPrefix: fc.oneof(
    fc.constant('最高法'),
    fc
      .tuple(
        fc.constantFrom(...`${PROVINCE_ABBREVIATIONS}${XPCC_ABBREVIATION}`),
        fc.oneof(fc.constant(''), digits(2), digits(4)),
      )
      .map(([abbr, d]) => abbr + d),
  ),
  caseWord: fc.constantFrom(...Object.keys(ENFORCEMENT_CASE_WORDS)),
  serial: fc.integer({ min: 1, max: 999_999 }),
});
