/**
 * Chinese resident identity numbers (公民身份号码, GB 11643-1999) and masking of personal numbers.
 *
 * Structure (18 characters): 6-digit address code (地址码, GB/T 2260) · 8-digit birth date YYYYMMDD ·
 * 3-digit sequence (odd = male, even = female) · check digit (0-9 or X) by ISO 7064 MOD 11-2.
 */

/** Weights of the first 17 digits for ISO 7064 MOD 11-2 (2^(17-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for (weighted sum mod 11). */
const CHECK_MAP = '10X98765432';

/**
 * First two digits of the address code that may appear in a resident ID: the province-level divisions
 * of GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 Taiwan, 81 Hong Kong, 82 Macao) plus 83,
 * used by residence permits for Taiwan residents, which share the GB 11643 format. Codes starting with
 * 9 (e.g. the 2023 foreigners' permanent residence card) are not resident IDs and are rejected.
 */
// biome-ignore format: grouped by region like GB/T 2260
export const ID_PROVINCE_CODES: readonly string[] = Object.freeze([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** Earliest birth date accepted. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

export type ResidentIdFailureReason = 'LENGTH' | 'CHARACTERS' | 'REGION' | 'BIRTH_DATE' | 'CHECK_DIGIT';

export type ResidentIdResult =
  | { ok: true; normalized: string; birthDate: string; sex: 'male' | 'female' }
  | { ok: false; reason: ResidentIdFailureReason };

/**
 * The check character for the first 17 digits (ISO 7064 MOD 11-2). Throws RangeError unless given
 * exactly 17 ASCII digits.
 */
export function residentIdCheckDigit(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) {
    throw new RangeError('residentIdCheckDigit: expected exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_MAP.charAt(sum % 11);
}

/** True when `date` (YYYY-MM-DD) is a real calendar date. */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  // Date.UTC maps years 0-99 to 1900-1999; irrelevant here since callers bound years ≥ 1900.
  return d <= dim;
}

/**
 * Characters that are never part of an ID number however it was typed or pasted: whitespace (after
 * NFKC, U+3000 and NBSP are spaces too), dashes (Unicode Pd: hyphen-minus, U+2010-U+2015, the wave
 * dash, …), the minus sign U+2212, and format characters (Unicode Cf: U+00AD soft hyphen,
 * U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+FEFF, …).
 */
const ID_NOISE = /[\s\p{Pd}\u2212\p{Cf}]/gu;

/**
 * The canonical form of an identity document number: the one form that is validated, stored,
 * compared (duplicate key, account holder) and sent to the insurer (domain.md "One person is one
 * person"). Unicode NFKC (full-width digits and letters to half-width, U+3000 to a space), then
 * whitespace, dashes and format characters removed, then upper case (a trailing `x` becomes `X`),
 * then NFKC again (removing a character between a letter and a combining mark, or upper-casing, can
 * leave a string that is not NFKC). Idempotent. Does not validate.
 */
export function canonicalIdNumber(id: string): string {
  return String(id).normalize('NFKC').replace(ID_NOISE, '').toUpperCase().normalize('NFKC');
}

/** @deprecated The same function as `canonicalIdNumber` (kept for callers of the old name). */
export const normalizeIdNumber = canonicalIdNumber;

/**
 * Validates a resident ID number. The input is canonicalised first (`canonicalIdNumber`), and
 * `normalized` is that canonical form.
 * Checks in order, reporting the first failure: LENGTH (18 characters) · CHARACTERS (17 digits then a
 * digit or X) · REGION (first two digits a province code in `ID_PROVINCE_CODES`; the remaining four
 * address digits are not checked against a county list) · BIRTH_DATE (a real date from 1900-01-01 up to
 * `opts.today` inclusive when given; no upper bound otherwise) · CHECK_DIGIT.
 *
 * `opts.today` must be YYYY-MM-DD (the caller's clock, Shanghai date); a malformed value throws RangeError.
 */
export function validateResidentId(id: string, opts: { today?: string } = {}): ResidentIdResult {
  if (opts.today !== undefined && !isCalendarDate(opts.today)) {
    throw new RangeError('validateResidentId: opts.today must be a YYYY-MM-DD date');
  }
  if (typeof id !== 'string') return { ok: false, reason: 'LENGTH' };
  const normalized = canonicalIdNumber(id);
  if (normalized.length !== 18) return { ok: false, reason: 'LENGTH' };
  if (!/^\d{17}[\dX]$/.test(normalized)) return { ok: false, reason: 'CHARACTERS' };
  if (!ID_PROVINCE_CODES.includes(normalized.slice(0, 2))) return { ok: false, reason: 'REGION' };
  const birthDate = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  if (
    !isCalendarDate(birthDate) ||
    birthDate < EARLIEST_BIRTH_DATE ||
    (opts.today !== undefined && birthDate > opts.today)
  ) {
    return { ok: false, reason: 'BIRTH_DATE' };
  }
  if (residentIdCheckDigit(normalized.slice(0, 17)) !== normalized.charAt(17)) {
    return { ok: false, reason: 'CHECK_DIGIT' };
  }
  const sex = Number(normalized.charAt(16)) % 2 === 1 ? 'male' : 'female';
  return { ok: true, normalized, birthDate, sex };
}

/** True when the number, canonicalised, is a well-formed resident ID (no `today` bound). */
export function isResidentIdNumber(id: string): boolean {
  return validateResidentId(id).ok;
}

/**
 * The key that identifies a person by document number, whatever document type was chosen: a number
 * that is a valid resident ID (GB 11643, structurally: no `today` bound) is `resident-id:<canonical>`,
 * any other number `other:<canonical>`. Used by the duplicate key and the reports' person count.
 */
export function identityKeyOf(id: string): string {
  const canonical = canonicalIdNumber(id);
  return `${isResidentIdNumber(canonical) ? 'resident-id' : 'other'}:${canonical}`;
}

/**
 * Masks an ID number for display (contract: `110105********123X`). The input is canonicalised
 * first. 18 characters: first 6, eight `*`, last 4. Other lengths above 4: first 2 and
 * last 2 kept, every character between replaced by `*`. Four characters or fewer: all `*`.
 */
export function maskIdNumber(id: string): string {
  const s = canonicalIdNumber(id);
  if (s.length === 18) return `${s.slice(0, 6)}********${s.slice(14)}`;
  if (s.length <= 4) return '*'.repeat(s.length);
  return `${s.slice(0, 2)}${'*'.repeat(s.length - 4)}${s.slice(-2)}`;
}

/**
 * Masks a bank account number for display (contract: `6222 **** **** 1234`). Whitespace is removed
 * first; at least four digits are always hidden. Twelve characters or more: first 4, then one `****`
 * group per started 4 hidden characters, then last 4, separated by single spaces (16 digits →
 * `6222 **** **** 1234`, 19 → `6222 **** **** **** 1234`). Eight to eleven: `****` groups, then last 4
 * (`**** **** 6789`). Fewer than eight: `****`.
 */
export function maskAccountNumber(acct: string): string {
  const s = String(acct).replace(/\s+/g, '');
  if (s.length < 8) return '****';
  const head = s.length >= 12 ? s.slice(0, 4) : '';
  const groups = Math.ceil((s.length - 4 - head.length) / 4);
  return [head, ...Array.from({ length: groups }, () => '****'), s.slice(-4)].filter(Boolean).join(' ');
}
