/**
 * Money (金额). Every amount is an integer number of fen (分): 1 CNY (元) = 100 fen. Never floating point.
 * Displayed as yuan with two decimals and thousands grouping, e.g. 5_000_000 fen → "50,000.00".
 */

/** An amount in fen: a safe, non-negative integer (see `isFen`). */
export type Fen = number;

/** Fen per yuan (1 元 = 100 分). */
export const CNY = 100;

/** True for a safe, non-negative integer (a valid amount in fen). */
export function isFen(n: unknown): n is Fen {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Formats fen as yuan with two decimals and comma grouping: 5_000_000 → "50,000.00", 5 → "0.05".
 * Negative safe integers are formatted with a leading "-" (for differences); anything that is not a
 * safe integer throws a RangeError.
 */
export function formatYuan(fen: Fen): string {
  if (typeof fen !== 'number' || !Number.isSafeInteger(fen)) {
    throw new RangeError(`formatYuan: not an integer amount in fen: ${String(fen)}`);
  }
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / CNY);
  const cents = abs % CNY;
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${String(cents).padStart(2, '0')}`;
}

/** "123", "123.4", "123.45", "50,000.00" (grouping must be exact when present). No sign, no exponent. */
const YUAN_PATTERN = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Converts yuan to fen exactly, without floating-point arithmetic.
 *
 * - A string is parsed as a decimal: optional surrounding whitespace, digits (optionally grouped with
 *   commas every three digits, as `formatYuan` prints them), optionally "." and one or two decimals.
 * - A number is converted through its shortest decimal representation (`String(n)`), so 123.45 → 12345
 *   while 1.005 or 1e21 are rejected.
 *
 * Throws RangeError for negative values, more than two decimals, anything else malformed, or a result
 * beyond Number.MAX_SAFE_INTEGER fen.
 */
export function yuanToFen(yuan: number | string): Fen {
  let text: string;
  if (typeof yuan === 'number') {
    if (!Number.isFinite(yuan)) throw new RangeError(`yuanToFen: not a finite amount: ${String(yuan)}`);
    text = String(yuan);
  } else if (typeof yuan === 'string') {
    text = yuan.trim();
  } else {
    throw new RangeError('yuanToFen: expected a number or a string');
  }
  const m = YUAN_PATTERN.exec(text);
  if (!m) {
    throw new RangeError(
      `yuanToFen: not a non-negative yuan amount with at most two decimals: ${JSON.stringify(text)}`,
    );
  }
  const whole = (m[1] ?? '0').replaceAll(',', '');
  const decimals = (m[2] ?? '').padEnd(2, '0');
  const fen = BigInt(whole) * 100n + BigInt(decimals);
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`yuanToFen: amount too large: ${JSON.stringify(text)}`);
  }
  return Number(fen);
}
