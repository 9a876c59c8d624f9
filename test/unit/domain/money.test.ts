import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CNY, formatYuan, isFen, yuanToFen } from '../../../functions/domain/money.ts';

describe('isFen', () => {
  it('accepts safe non-negative integers', () => {
    expect(isFen(0)).toBe(true);
    expect(isFen(5_000_000)).toBe(true);
    expect(isFen(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('rejects negatives, fractions, unsafe integers and non-numbers', () => {
    for (const v of [
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '100',
      null,
    ]) {
      expect(isFen(v)).toBe(false);
    }
  });
});

describe('formatYuan', () => {
  it('prints yuan with two decimals and comma grouping', () => {
    expect(CNY).toBe(100);
    expect(formatYuan(5_000_000)).toBe('50,000.00');
    expect(formatYuan(10_000_000)).toBe('100,000.00');
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(12_345)).toBe('123.45');
    expect(formatYuan(123_456_789_01)).toBe('123,456,789.01');
    expect(formatYuan(-150)).toBe('-1.50');
  });

  it('throws RangeError for non-integers', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(Number.NaN)).toThrow(RangeError);
    expect(() => formatYuan(Number.MAX_SAFE_INTEGER + 2)).toThrow(RangeError);
  });
});

describe('yuanToFen', () => {
  it('parses decimal strings exactly', () => {
    expect(yuanToFen('123.45')).toBe(12_345);
    expect(yuanToFen('123.4')).toBe(12_340);
    expect(yuanToFen('123')).toBe(12_300);
    expect(yuanToFen(' 0.01 ')).toBe(1);
    expect(yuanToFen('50,000.00')).toBe(5_000_000);
    expect(yuanToFen('1,234,567.89')).toBe(123_456_789);
  });

  it('converts numbers through their decimal representation', () => {
    expect(yuanToFen(123.45)).toBe(12_345);
    expect(yuanToFen(0.1)).toBe(10);
    expect(yuanToFen(0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(yuanToFen(50_000)).toBe(5_000_000);
  });

  it('rejects more than two decimals, signs, exponents, bad grouping and junk', () => {
    for (const bad of [
      '1.005',
      '-1',
      '+1',
      '1e3',
      '1,00',
      '12,34.00',
      '1.',
      '.5',
      '',
      'abc',
      '１２',
      '1 000',
    ]) {
      expect(() => yuanToFen(bad), bad).toThrow(RangeError);
    }
    for (const bad of [1.005, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      expect(() => yuanToFen(bad), String(bad)).toThrow(RangeError);
    }
  });

  it('rejects amounts beyond the safe integer range of fen', () => {
    expect(() => yuanToFen('90071992547409.92')).toThrow(RangeError);
    expect(yuanToFen('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('round-trips with formatYuan for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(yuanToFen(formatYuan(fen))).toBe(fen);
        expect(yuanToFen(formatYuan(fen).replaceAll(',', ''))).toBe(fen);
      }),
    );
  });
});
