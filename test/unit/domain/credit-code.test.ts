import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckCharacter,
  isCreditCode,
  validateCreditCode,
} from '../../../functions/domain/credit-code.ts';

/**
 * Codes as published on business licences (国家企业信用信息公示系统): their check characters were
 * issued by the registration authorities, so they test the algorithm against GB 32100 itself.
 */
const PUBLISHED = [
  '914403001922038216', // 华为技术有限公司
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '9144030071526726XG', // 深圳市腾讯计算机系统有限公司
  '91110108551385082Q', // 北京小米科技有限责任公司
];

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts codes as issued', () => {
    for (const code of PUBLISHED)
      expect(validateCreditCode(code), code).toEqual({ ok: true, normalized: code });
  });

  it('computes the check character of each published code from its first 17 characters', () => {
    for (const code of PUBLISHED) expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('maps a remainder of 0 to the check character 0 (31 − 0 = 31 means 0)', () => {
    // 17 zeros: Σ = 0, so 31 − 0 = 31 → '0'.
    expect(creditCodeCheckCharacter('0'.repeat(17))).toBe('0');
    expect(isCreditCode(`${'0'.repeat(17)}0`)).toBe(true);
  });

  it('canonicalises like identity numbers: full-width, spaces, hyphens, lower case', () => {
    expect(validateCreditCode(' 9144-0300 7152 6726xg ')).toEqual({
      ok: true,
      normalized: '9144030071526726XG',
    });
    expect(validateCreditCode('９１４４０３００１９２２０３８２１６')).toEqual({
      ok: true,
      normalized: '914403001922038216',
    });
  });

  it('refuses each kind of malformed code with its reason', () => {
    expect(validateCreditCode('91440300192203821')).toEqual({ ok: false, reason: 'LENGTH' });
    expect(validateCreditCode('9144030019220382160')).toEqual({ ok: false, reason: 'LENGTH' });
    // I, O, S, V and Z are not in the code set.
    for (const letter of ['I', 'O', 'S', 'V', 'Z'])
      expect(validateCreditCode(`91440300192203821${letter}`), letter).toEqual({
        ok: false,
        reason: 'CHARACTERS',
      });
    expect(validateCreditCode('9144A3001922038216')).toEqual({ ok: false, reason: 'DIVISION' });
  });

  it('refuses a code with one character changed or two adjacent ones swapped (wrong check character)', () => {
    expect(validateCreditCode('914403001922038217')).toEqual({ ok: false, reason: 'CHECK_CHARACTER' });
    expect(validateCreditCode('914403001922038226')).toEqual({ ok: false, reason: 'CHECK_CHARACTER' });
    expect(validateCreditCode('914403001922032816')).toEqual({ ok: false, reason: 'CHECK_CHARACTER' });
  });

  it('refuses a resident ID number (18 digits but the wrong check)', () => {
    expect(isCreditCode('110105198503121234')).toBe(false);
  });

  it('throws on a first-17 argument that is not 17 characters of the set', () => {
    expect(() => creditCodeCheckCharacter('123')).toThrow(RangeError);
    expect(() => creditCodeCheckCharacter('9144030019220382I')).toThrow(RangeError);
  });
});
