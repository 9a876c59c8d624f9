import { describe, expect, it } from 'vitest';
import { duration, fenOf, fileSize, shanghaiTime, shanghaiToday, yuan } from './format.ts';

describe('display formats', () => {
  it('shows fen as yuan with two decimals and grouping', () => {
    expect(yuan(3_000_000)).toBe('30,000.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(10_000_001)).toBe('100,000.01');
    expect(yuan(undefined)).toBe('—');
  });

  it('shows instants in China Standard Time, whatever the offset they carry', () => {
    expect(shanghaiTime('2018-12-20T16:00:00Z')).toBe('2018-12-21 00:00:00');
    expect(shanghaiTime('2018-12-21T00:00:00+08:00')).toBe('2018-12-21 00:00:00');
    expect(shanghaiTime('2019-01-31T23:59:59.999+08:00')).toBe('2019-01-31 23:59:59');
    expect(shanghaiTime('not a date')).toBe('—');
    expect(shanghaiTime(null)).toBe('—');
  });

  it('shows approval times in words: days and hours, hours and minutes, minutes', () => {
    expect(duration(76, 'zh')).toBe('3天4小时');
    expect(duration(76, 'en')).toBe('3 days 4 hours');
    expect(duration(24, 'zh')).toBe('1天');
    expect(duration(24, 'en')).toBe('1 day');
    expect(duration(336, 'zh')).toBe('14天');
    expect(duration(47.9, 'zh')).toBe('2天');
    expect(duration(5.5, 'zh')).toBe('5小时30分钟');
    expect(duration(5.5, 'en')).toBe('5 hours 30 minutes');
    expect(duration(1, 'en')).toBe('1 hour');
    expect(duration(0.75, 'zh')).toBe('45分钟');
    expect(duration(1 / 60, 'en')).toBe('1 minute');
    expect(duration(0, 'zh')).toBe('不到1分钟');
    expect(duration(0.001, 'en')).toBe('under a minute');
  });

  it('shows file sizes', () => {
    expect(fileSize(54)).toBe('54 B');
    expect(fileSize(20 * 1024 * 1024)).toBe('20.0 MB');
  });

  it('reads typed yuan as fen, or nothing when it is not an amount', () => {
    expect(fenOf('30000')).toBe(3_000_000);
    expect(fenOf('1,234.5')).toBe(123_450);
    expect(fenOf('1.005')).toBeUndefined();
    expect(fenOf('abc')).toBeUndefined();
    expect(fenOf('')).toBeUndefined();
  });

  it('gives today as the date in Beijing, a day ahead of UTC after 16:00 UTC', () => {
    expect(shanghaiToday(new Date('2026-12-01T15:59:59Z'))).toBe('2026-12-01');
    expect(shanghaiToday(new Date('2026-12-01T16:00:00Z'))).toBe('2026-12-02');
  });
});
