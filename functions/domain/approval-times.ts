/**
 * Approval times (审批用时) as report counters: each decision adds, at its level, one to the count, its
 * waiting time (from arrival at the level, `waitingSince`, to the decision) to the total, and one to a
 * bucket of a small fixed histogram — so the report reads a mean and a p90 without reading a single
 * decision. Pure: no I/O.
 */

import { DECISION_TIME_LIMIT_MS } from './approval-queue.ts';
import type { CourtLevel } from './court-registry.ts';

/**
 * Upper edges of the histogram's buckets, in hours; one more bucket holds the waits beyond the last
 * edge, the level's time limit (14 days, DECISION_TIME_LIMIT_MS).
 */
export const WAIT_BUCKET_HOURS = [1, 4, 8, 24, 48, 72, 120, 168, 240, 336] as const;

const HOUR_MS = 3_600_000;

/** The counter names a level's waits use: `wait:L<level>:n|s|b<bucket>`. */
export type WaitCounter = `wait:L${number}:${string}`;

/** The bucket a wait falls into: the first whose upper edge it does not exceed. */
export function waitBucket(waitedMs: number): number {
  const hours = waitedMs / HOUR_MS;
  const i = WAIT_BUCKET_HOURS.findIndex((edge) => hours <= edge);
  return i === -1 ? WAIT_BUCKET_HOURS.length : i;
}

/** What one decision at `level` after `waitedMs` of waiting adds to its report rows. */
export function waitCounters(level: number, waitedMs: number): Record<WaitCounter, number> {
  const ms = Math.max(0, waitedMs);
  return {
    [`wait:L${level}:n`]: 1,
    [`wait:L${level}:s`]: Math.round(ms / 1000),
    [`wait:L${level}:b${waitBucket(ms)}`]: 1,
  };
}

/** One tier's approval times as the report shows them. */
export interface ApprovalTime {
  /** The deciding courts' level: basic (基层), intermediate (中级) or high (高级人民法院). */
  level: Exclude<CourtLevel, 'spc'>;
  /** Decisions taken at this level (approvals, returns and rejections). */
  decided: number;
  /** Their waiting time in total and on average, in hours (one decimal). */
  totalHours: number;
  meanHours: number;
  /**
   * 90% of the decisions were taken within this many hours: the upper edge of the histogram bucket
   * (WAIT_BUCKET_HOURS) holding the 90th percentile; null when it lies beyond the time limit.
   */
  p90Hours: number | null;
  /** Decisions taken after the level's time limit (14 days). */
  overLimit: number;
}

const TIERS: readonly ApprovalTime['level'][] = ['basic', 'intermediate', 'high'];
const COUNTER = /^wait:L(\d+):(n|s|b(\d+))$/;
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Sums {
  n: number;
  s: number;
  buckets: number[];
}

/**
 * The approval times of some counter rows, by tier: each row names, per level of its route, the tier
 * of the court deciding at that level (`tierOf`; a level it cannot place is left out). Tiers without a
 * decision are left out; the order is basic, intermediate, high.
 */
export function approvalTimes(
  rows: Iterable<{ counters: Record<string, number>; tierOf: (level: number) => CourtLevel | undefined }>,
): ApprovalTime[] {
  const by = new Map<string, Sums>();
  for (const { counters, tierOf } of rows) {
    for (const [name, value] of Object.entries(counters)) {
      const m = COUNTER.exec(name);
      if (!m) continue;
      const tier = tierOf(Number(m[1]));
      if (tier === undefined || tier === 'spc') continue;
      const sums = by.get(tier) ?? { n: 0, s: 0, buckets: WAIT_BUCKET_HOURS.map(() => 0).concat(0) };
      if (m[2] === 'n') sums.n += value;
      else if (m[2] === 's') sums.s += value;
      else {
        const b = Number(m[3]);
        if (b < sums.buckets.length) sums.buckets[b] = (sums.buckets[b] ?? 0) + value;
      }
      by.set(tier, sums);
    }
  }
  return TIERS.flatMap((level) => {
    const sums = by.get(level);
    if (!sums || sums.n <= 0) return [];
    const rank = Math.ceil(0.9 * sums.n);
    let seen = 0;
    let p90: number | null = null;
    for (let b = 0; b < sums.buckets.length; b++) {
      seen += sums.buckets[b] ?? 0;
      if (seen >= rank) {
        p90 = WAIT_BUCKET_HOURS[b] ?? null;
        break;
      }
    }
    const limitBucket = WAIT_BUCKET_HOURS.findIndex((edge) => edge * HOUR_MS >= DECISION_TIME_LIMIT_MS);
    return [
      {
        level,
        decided: sums.n,
        totalHours: round1(sums.s / 3600),
        meanHours: round1(sums.s / 3600 / sums.n),
        p90Hours: p90,
        overLimit: sums.buckets.slice(limitBucket + 1).reduce((a, b) => a + b, 0),
      },
    ];
  });
}
