/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): the identity number of a legal person or
 * other organisation, as a debtor (被执行人) that is not a natural person is identified.
 *
 * Structure (18 characters from the 31-character set `0-9 A-H J-N P-R T U W-Y`, i.e. without I O S V Z):
 * 1 registration authority (登记管理部门代码) · 1 organisation type (机构类别代码) · 6-digit administrative
 * division (登记管理机关行政区划码, GB/T 2260) · 9-character organisation code (主体标识码, GB 11714) · 1 check
 * character: with the weights 3^i mod 31 and the characters' values 0-30, check = 31 − (Σ mod 31), where 31
 * means 0 (GB 32100-2015 §4.3, ISO 7064 MOD 31-3 style).
 */
import { canonicalIdNumber } from './id-number.ts';

/** The code's character set; a character's value is its index. */
export const CREDIT_CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of the first 17 positions (3^i mod 31). */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeFailureReason = 'LENGTH' | 'CHARACTERS' | 'DIVISION' | 'CHECK_CHARACTER';

export type CreditCodeResult =
  | { ok: true; normalized: string }
  | { ok: false; reason: CreditCodeFailureReason };

/**
 * The check character for the first 17 characters. Throws RangeError unless given exactly 17
 * characters of the code's set.
 */
export function creditCodeCheckCharacter(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17) {
    throw new RangeError('creditCodeCheckCharacter: expected exactly 17 characters');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARACTERS.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError('creditCodeCheckCharacter: a character outside the code set');
    sum += value * (WEIGHTS[i] ?? 0);
  }
  const check = 31 - (sum % 31);
  return CREDIT_CODE_CHARACTERS.charAt(check === 31 ? 0 : check);
}

const SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/**
 * Validates a unified social credit code. The input is canonicalised first like every identity
 * number (`canonicalIdNumber`: NFKC, whitespace, dashes and format characters removed, upper case),
 * and `normalized` is that canonical form. Checks in order, reporting the first failure: LENGTH (18) ·
 * CHARACTERS (all from the code set, so no I, O, S, V or Z) · DIVISION (positions 3-8 are six digits) ·
 * CHECK_CHARACTER.
 */
export function validateCreditCode(code: string): CreditCodeResult {
  if (typeof code !== 'string') return { ok: false, reason: 'LENGTH' };
  const normalized = canonicalIdNumber(code);
  if (normalized.length !== 18) return { ok: false, reason: 'LENGTH' };
  if (!SHAPE.test(normalized)) return { ok: false, reason: 'CHARACTERS' };
  if (!/^\d{6}$/.test(normalized.slice(2, 8))) return { ok: false, reason: 'DIVISION' };
  if (creditCodeCheckCharacter(normalized.slice(0, 17)) !== normalized.charAt(17)) {
    return { ok: false, reason: 'CHECK_CHARACTER' };
  }
  return { ok: true, normalized };
}

/** True when the number, canonicalised, is a well-formed unified social credit code. */
export function isCreditCode(code: string): boolean {
  return validateCreditCode(code).ok;
}
