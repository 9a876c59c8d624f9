/**
 * Campaigns (集中保险救助活动) as data. Timestamps are ISO 8601 with the +08:00 offset (China Standard
 * Time, Asia/Shanghai; no daylight saving since 1991, so a fixed +08:00 offset is exact for any campaign).
 * Windows are inclusive at both ends, to the millisecond: a day ends at 23:59:59.999+08:00.
 */
import type { Fen } from './money.ts';
import { CPL_BASIS_2018, CPL_BASIS_2024, type LegalBasis } from './ruling.ts';

export interface Campaign {
  id: string;
  name: string;
  /** 准备阶段: screening, notifying applicants, collecting materials; drafts allowed, no submission. */
  preparation: { start: string; end: string };
  /** 办理阶段: submission and level-by-level approval. */
  handling: { start: string; end: string };
  /** The high courts' report to the SPC is due by this time. */
  reportDue: string;
  /** 申请标的金额 limit (5 万元 in 2018), inclusive. */
  standardLimitFen: Fen;
  /** Raised limit for special situations with a written reason (10 万元 in 2018), inclusive. */
  specialLimitFen: Fen;
  /**
   * Settings (api-contract "Courts and campaigns"). Optional in stored data: a campaign written before
   * they existed reads with `campaignSettings` (requireDebtor false, as the 2018 campaign had no debtor data).
   */
  /** Applications must name the debtor(s) (被执行人). */
  requireDebtor?: boolean;
  /** The termination-conditions checklist (终本五项条件) must be filled in. */
  requireTerminationChecklist?: boolean;
  /** Months between asset checks of a relief-closed case (default 6, by analogy with 终本规定 Art. 9). */
  assetCheckIntervalMonths?: number;
  /** Years during which asset checks are scheduled (default 5). */
  assetCheckYears?: number;
  /** The Civil Procedure Law article the termination ruling cites (see `defaultRulingLegalBasis`). */
  rulingLegalBasis?: LegalBasis;
  /** Optimistic-concurrency version of the stored campaign (ETag "vN"); absent on code-defined ones. */
  version?: number;
}

/** A campaign's settings with every default filled in. */
export type CampaignSettings = Required<
  Pick<
    Campaign,
    | 'requireDebtor'
    | 'requireTerminationChecklist'
    | 'assetCheckIntervalMonths'
    | 'assetCheckYears'
    | 'rulingLegalBasis'
  >
>;

/** The 2023 amendment of the Civil Procedure Law took effect then; rulings after it cite art. 268(6). */
export const CPL_2023_IN_FORCE = '2024-01-01T00:00:00+08:00';

/**
 * The citation a campaign's rulings get when none was set: rulings follow payouts, which follow the
 * handling window, so a campaign whose handling starts on or after 2024-01-01 (Beijing time) cites
 * art. 268(6) and an earlier one art. 257(6), as the 2018 notice does.
 */
export function defaultRulingLegalBasis(c: Pick<Campaign, 'handling'>): LegalBasis {
  const start = Date.parse(c.handling.start);
  return { ...(start >= Date.parse(CPL_2023_IN_FORCE) ? CPL_BASIS_2024 : CPL_BASIS_2018) };
}

/** Settings as stored, defaults filled in for what a campaign does not set. */
export function campaignSettings(c: Campaign): CampaignSettings {
  return {
    requireDebtor: c.requireDebtor ?? false,
    requireTerminationChecklist: c.requireTerminationChecklist ?? false,
    assetCheckIntervalMonths: c.assetCheckIntervalMonths ?? 6,
    assetCheckYears: c.assetCheckYears ?? 5,
    rulingLegalBasis: c.rulingLegalBasis ?? defaultRulingLegalBasis(c),
  };
}

export type CampaignPhase = 'not_started' | 'preparation' | 'handling' | 'closed';

/** The 2018 campaign of 法明传(2018)841号: the default. */
export const CAMPAIGN_2018: Readonly<Campaign> = Object.freeze({
  id: '2018-relief',
  name: '2018年涉民生执行案件集中保险救助',
  preparation: Object.freeze({ start: '2018-12-15T00:00:00+08:00', end: '2018-12-20T23:59:59.999+08:00' }),
  handling: Object.freeze({ start: '2018-12-21T00:00:00+08:00', end: '2019-01-31T23:59:59.999+08:00' }),
  reportDue: '2019-02-12T23:59:59.999+08:00',
  standardLimitFen: 5_000_000,
  specialLimitFen: 10_000_000,
  requireDebtor: false,
  requireTerminationChecklist: false,
  assetCheckIntervalMonths: 6,
  assetCheckYears: 5,
  rulingLegalBasis: Object.freeze({ ...CPL_BASIS_2018 }),
});

export const DEFAULT_CAMPAIGN_ID = CAMPAIGN_2018.id;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function requireValidDate(at: Date, fn: string): number {
  const t = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${fn}: invalid Date`);
  return t;
}

/** The calendar date (YYYY-MM-DD) in Shanghai at instant `at`: 2018-12-20T16:30:00Z → '2018-12-21'. */
export function shanghaiDate(at: Date): string {
  const t = requireValidDate(at, 'shanghaiDate');
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  return new Date(t + days * DAY_MS).toISOString().slice(0, 10);
}

/** Shanghai midnight at the start of `date`. */
export function shanghaiStartOfDay(date: string): string {
  return `${date}T00:00:00+08:00`;
}

/** The last millisecond of `date` in Shanghai. */
export function shanghaiEndOfDay(date: string): string {
  return `${date}T23:59:59.999+08:00`;
}

/**
 * A local demonstration campaign positioned around `now`, so that drafts and submissions work today.
 * With D = `shanghaiDate(now)`:
 * - preparation: the 7 days D−30 … D−24 (Shanghai midnight to 23:59:59.999);
 * - handling: D−23 … D+60, so it contains `now` and at least 60 more days;
 * - reportDue: end of D+72 (12 days after handling, as in 2018);
 * - limits as in 2018 (5_000_000 / 10_000_000 fen);
 * - rulings cite art. 268(6) (they fall after 2024-01-01); no debtor or checklist required.
 */
export function demoCampaign(now: Date): Campaign {
  const d = shanghaiDate(now);
  return {
    id: 'demo',
    name: '演示救助活动（本地）',
    preparation: { start: shanghaiStartOfDay(addDays(d, -30)), end: shanghaiEndOfDay(addDays(d, -24)) },
    handling: { start: shanghaiStartOfDay(addDays(d, -23)), end: shanghaiEndOfDay(addDays(d, 60)) },
    reportDue: shanghaiEndOfDay(addDays(d, 72)),
    standardLimitFen: CAMPAIGN_2018.standardLimitFen,
    specialLimitFen: CAMPAIGN_2018.specialLimitFen,
    // The demo's data predates debtor capture in the walk-through; its rulings fall after 2024-01-01.
    requireDebtor: false,
    requireTerminationChecklist: false,
    assetCheckIntervalMonths: 6,
    assetCheckYears: 5,
    rulingLegalBasis: { ...CPL_BASIS_2024 },
  };
}

function instant(ts: string, what: string): number {
  const t = typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`campaign: ${what} is not a valid timestamp`);
  return t;
}

/**
 * The phase at instant `at`: before preparation.start → 'not_started'; within handling (inclusive) →
 * 'handling'; after handling.end → 'closed'; otherwise 'preparation' (including any gap between the
 * end of preparation and the start of handling). Throws RangeError on an invalid date or timestamp.
 */
export function campaignPhase(c: Campaign, at: Date): CampaignPhase {
  const t = requireValidDate(at, 'campaignPhase');
  const handlingStart = instant(c.handling.start, 'handling.start');
  const handlingEnd = instant(c.handling.end, 'handling.end');
  if (t >= handlingStart && t <= handlingEnd) return 'handling';
  if (t > handlingEnd) return 'closed';
  if (t < instant(c.preparation.start, 'preparation.start')) return 'not_started';
  return 'preparation';
}

/** Submission and approval are allowed only in the handling window (办理阶段). */
export function isInHandlingWindow(c: Campaign, at: Date): boolean {
  return campaignPhase(c, at) === 'handling';
}

/** Drafts may be created and edited during preparation and handling. */
export function allowsDrafts(c: Campaign, at: Date): boolean {
  const phase = campaignPhase(c, at);
  return phase === 'preparation' || phase === 'handling';
}

const OFFSET_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a campaign's invariants (for data loaded or entered at run time) and returns every problem in
 * English; empty when valid: non-blank id and name; timestamps ISO 8601 with an offset;
 * preparation.start ≤ preparation.end ≤ handling.start ≤ handling.end ≤ reportDue; limits positive
 * integer fen with standard ≤ special.
 */
export function campaignProblems(c: Campaign): string[] {
  const problems: string[] = [];
  if (typeof c.id !== 'string' || c.id.trim() === '') problems.push('id must be non-blank');
  if (typeof c.name !== 'string' || c.name.trim() === '') problems.push('name must be non-blank');
  const stamps: [string, unknown][] = [
    ['preparation.start', c.preparation?.start],
    ['preparation.end', c.preparation?.end],
    ['handling.start', c.handling?.start],
    ['handling.end', c.handling?.end],
    ['reportDue', c.reportDue],
  ];
  const times: number[] = [];
  for (const [name, value] of stamps) {
    const ok = typeof value === 'string' && OFFSET_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
    if (!ok) problems.push(`${name} must be an ISO 8601 timestamp with an offset`);
    times.push(ok ? Date.parse(value as string) : Number.NaN);
  }
  for (let i = 1; i < times.length; i++) {
    const a = times[i - 1] as number;
    const b = times[i] as number;
    if (!Number.isNaN(a) && !Number.isNaN(b) && a > b) {
      problems.push(`${stamps[i - 1]?.[0]} must not be after ${stamps[i]?.[0]}`);
    }
  }
  for (const name of ['standardLimitFen', 'specialLimitFen'] as const) {
    const v = c[name];
    if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${name} must be a positive integer`);
  }
  if (c.standardLimitFen > c.specialLimitFen)
    problems.push('standardLimitFen must not exceed specialLimitFen');
  return problems;
}
