import { describe, expect, it } from 'vitest';
import { approvalTimes, waitBucket, waitCounters } from '../../../functions/domain/approval-times.ts';

const HOUR = 3_600_000;

describe('approval times (审批用时) from counters', () => {
  it('puts a wait in the first bucket whose upper edge it does not exceed; beyond 14 days in the last', () => {
    expect(waitBucket(0)).toBe(0);
    expect(waitBucket(HOUR)).toBe(0);
    expect(waitBucket(HOUR + 1)).toBe(1);
    expect(waitBucket(336 * HOUR)).toBe(9);
    expect(waitBucket(336 * HOUR + 1)).toBe(10);
    expect(waitCounters(2, 3 * HOUR)).toEqual({ 'wait:L2:n': 1, 'wait:L2:s': 10_800, 'wait:L2:b1': 1 });
  });

  it('reads count, total, mean, the p90 bucket edge and the waits over the limit, by tier', () => {
    const sum = (waits: number[], level = 0) => {
      const c: Record<string, number> = {};
      for (const w of waits)
        for (const [k, v] of Object.entries(waitCounters(level, w * HOUR))) c[k] = (c[k] ?? 0) + v;
      return c;
    };
    // Nine quick decisions and one slow: the 90th percentile (the 9th of 10) is in the ≤ 1 h bucket.
    const quick = sum([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 100]);
    expect(approvalTimes([{ counters: quick, tierOf: () => 'basic' }])).toEqual([
      { level: 'basic', decided: 10, totalHours: 104.5, meanHours: 10.5, p90Hours: 1, overLimit: 0 },
    ]);
    // Eleven at the high level: the 90th percentile (the 10th) is 100 h, in the ≤ 120 h bucket. Two rows of two tiers add up per tier.
    const slow = sum([1, 1, 1, 1, 1, 1, 1, 1, 100, 400]);
    const times = approvalTimes([
      { counters: slow, tierOf: () => 'high' },
      { counters: { ...sum([2], 0), ...sum([50], 1) }, tierOf: (l) => (l === 0 ? 'basic' : 'high') },
      { counters: sum([3], 5), tierOf: () => undefined },
    ]);
    expect(times).toEqual([
      { level: 'basic', decided: 1, totalHours: 2, meanHours: 2, p90Hours: 4, overLimit: 0 },
      { level: 'high', decided: 11, totalHours: 558, meanHours: 50.7, p90Hours: 120, overLimit: 1 },
    ]);
    expect(approvalTimes([{ counters: sum([400, 400]), tierOf: () => 'high' }])[0]?.p90Hours).toBeNull();
    expect(approvalTimes([{ counters: {}, tierOf: () => 'high' }])).toEqual([]);
  });
});
