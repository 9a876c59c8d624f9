/**
 * The campaign report (工作总结报告) as data: what the report use case assembles from the counters
 * and the quota ledger, and what the CSV/XLSX export renders. Pure: no I/O.
 */
import { type ApprovalTime, approvalTimes } from './approval-times.ts';
import type { CourtLevel, CourtRegistry } from './court-registry.ts';
import { CATEGORIES } from './eligibility.ts';

/** The figures every row of the report carries, a court's or a high court's. */
export interface ReportFigures {
  cases: number;
  persons: number;
  amountFen: number;
  paid: number;
  byCategory: Record<string, { paid: number; amountFen: number }>;
  pending: number;
  approved: number;
  rejected: number;
  returned: number;
  declined: number;
  resumed: number;
  recoveredFen: number;
}

/** One court's figures within its high court (every court with activity: it has a counter row). */
export interface CourtReport extends ReportFigures {
  courtCode: string;
  name: string;
  /** The waits at each level of the court's route, by the deciding court's level (审批用时). */
  approvalTimes: ApprovalTime[];
}

/** The high court's narrative of effects (取得的效果, notice 三.5), as the report shows it. */
export interface Narrative {
  effects: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface HighCourtReport extends ReportFigures {
  highCourtCode: string;
  name: string;
  quota: { allocatedFen: number; reservedFen: number; disbursedFen: number; remainingFen: number };
  /** Every court of the high court's jurisdiction with activity in the campaign, by court code. */
  byCourt: CourtReport[];
  /** The waits of every decision on its courts' applications, by the deciding court's level. */
  approvalTimes: ApprovalTime[];
  /** The narrative of effects, or null before one is written; a frozen copy's hash covers both. */
  effects: string | null;
  effectsUpdatedAt: string | null;
  /**
   * The narrative's version (0 before one is written): a save with If-Match `"v<effectsVersion>"`
   * writes over exactly what this report showed, so the first save of a page is not blind either.
   */
  effectsVersion: number;
}

export interface ReportTotals {
  cases: number;
  persons: number;
  amountFen: number;
  paid: number;
  pending: number;
  rejected: number;
  declined: number;
  recoveredFen: number;
  /** The approval times of every high court's row together (national or the caller's high court). */
  approvalTimes: ApprovalTime[];
}

export interface CampaignReport {
  campaignId: string;
  campaignName: string;
  reportDue: string;
  generatedAt: string;
  totals: ReportTotals;
  byHighCourt: HighCourtReport[];
  reconciliation: {
    reportAmountFen: number;
    quotaDisbursedFen: number;
    insurerConfirmedFen: number;
    consistent: boolean;
    differences: { between: string; differenceFen: number }[];
  };
}

/** The figures a counter row (high court or court) carries, by name. */
function figures(c: Record<string, number>) {
  const n = (k: string) => c[k] ?? 0;
  const byCategory: Record<string, { paid: number; amountFen: number }> = {};
  for (const cat of CATEGORIES)
    byCategory[cat] = { paid: n(`cat:${cat}:paid`), amountFen: n(`cat:${cat}:amountFen`) };
  return {
    cases: n('cases'),
    persons: n('persons'),
    amountFen: n('amountFen'),
    paid: n('paid'),
    byCategory,
    pending: n('pending'),
    approved: n('approved'),
    rejected: n('rejected'),
    returned: n('returned'),
    declined: n('declined'),
    resumed: n('resumed'),
    recoveredFen: n('recoveredFen'),
  };
}

/**
 * The level of the court deciding at each level of an executing court's approval route, from the
 * registry (a court it no longer knows: none, and its waits are left out of the approval times).
 */
export function routeTiers(
  courts: CourtRegistry,
  executingCourt: string,
): (level: number) => CourtLevel | undefined {
  let route: string[] = [];
  try {
    route = courts.approvalRoute(executingCourt);
  } catch {
    // an unknown court or the SPC: no tiers
  }
  return (level) => {
    const code = route[level];
    return code === undefined ? undefined : courts.get(code)?.level;
  };
}

/** One court's row from its counter row. */
export function courtReport(courts: CourtRegistry, code: string, c: Record<string, number>): CourtReport {
  return {
    courtCode: code,
    name: courts.get(code)?.name ?? code,
    ...figures(c),
    approvalTimes: approvalTimes([{ counters: c, tierOf: routeTiers(courts, code) }]),
  };
}

/** The approval times of courts' counter rows together (court code → counters). */
export function approvalTimesOf(
  courts: CourtRegistry,
  courtRows: Iterable<readonly [string, Record<string, number>]>,
): ApprovalTime[] {
  return approvalTimes(
    [...courtRows].map(([code, counters]) => ({ counters, tierOf: routeTiers(courts, code) })),
  );
}

/**
 * One high court's row from its counters (counter name → value), its quota figures, its courts'
 * counter rows (court code → counters) and its narrative.
 */
export function highCourtReport(
  courts: CourtRegistry,
  code: string,
  c: Record<string, number>,
  quota?: { allocatedFen: number; reservedFen: number; disbursedFen: number },
  courtRows: ReadonlyMap<string, Record<string, number>> = new Map(),
  narrative?: Narrative,
): HighCourtReport {
  const q = quota ?? { allocatedFen: 0, reservedFen: 0, disbursedFen: 0 };
  return {
    highCourtCode: code,
    name: courts.get(code)?.name ?? code,
    ...figures(c),
    quota: {
      allocatedFen: q.allocatedFen,
      reservedFen: q.reservedFen,
      disbursedFen: q.disbursedFen,
      remainingFen: q.allocatedFen - q.reservedFen - q.disbursedFen,
    },
    byCourt: [...courtRows.keys()]
      .sort()
      .map((court) => courtReport(courts, court, courtRows.get(court) ?? {})),
    approvalTimes: approvalTimesOf(courts, courtRows),
    effects: narrative?.effects ?? null,
    effectsUpdatedAt: narrative?.updatedAt ?? null,
    effectsVersion: narrative?.version ?? 0,
  };
}

/** A counter row (per high court): counter name → value. */
export type Counters = Record<string, number>;

/** What one change moves in the report (the application repository's ReportDelta has this shape). */
export interface ReportChange {
  campaignId: string;
  highCourtCode: string;
  /** The executing court, whose own counter row (`byCourt`) moves in the same transaction. */
  courtCode: string;
  /** Counter increments, e.g. { pending: -1, paid: 1, amountFen: 300000 }. */
  add: Partial<Record<string, number>>;
  /** On payout: the category and the distinct-case / distinct-person keys (hashed, no personal data). */
  paid?: { category: string; amountFen: number; caseKey: string; personKey: string };
}

/**
 * A high court's counter of persons paid for the first time in the whole campaign: the national
 * distinct-person figure is the sum of these over the high-court rows, so no item is written by more
 * than one high court's traffic (there is no campaign-total row).
 */
export const NATIONAL_PERSONS = 'nationalPersons';

/**
 * A distinctness marker of a payout (its sort key within the campaign's report), what its first
 * creation counts, and in which row: the high court's, the executing court's, or both.
 */
export interface ReportMarker {
  key: string;
  counts: Counters;
  rows: 'high' | 'court' | 'both';
}

/**
 * The markers a change needs: a case (a case number names its court, so a case is distinct per high
 * court and per campaign alike), a person within the high court, a person within the campaign.
 */
export function reportMarkers(change: ReportChange): ReportMarker[] {
  if (!change.paid) return [];
  return [
    { key: `MARK#CASE#${change.paid.caseKey}`, counts: { cases: 1 }, rows: 'both' },
    {
      key: `MARK#PERSON#${change.highCourtCode}#${change.paid.personKey}`,
      counts: { persons: 1 },
      rows: 'high',
    },
    { key: `MARK#PERSON#ALL#${change.paid.personKey}`, counts: { [NATIONAL_PERSONS]: 1 }, rows: 'high' },
    {
      key: `MARK#PERSON#COURT#${change.courtCode}#${change.paid.personKey}`,
      counts: { persons: 1 },
      rows: 'court',
    },
  ];
}

/**
 * The increments of the change's high-court row, given which of its markers (reportMarkers) this
 * transaction creates (the others exist and count nothing). Zero increments are left out.
 */
export function highCourtIncrements(change: ReportChange, created: ReadonlySet<string>): Counters {
  return increments(change, created, 'high');
}

/**
 * The increments of the executing court's counter row (`byCourt`): the same counters as its high
 * court's row, its persons distinct within the court, and no national-persons counter.
 */
export function courtIncrements(change: ReportChange, created: ReadonlySet<string>): Counters {
  return increments(change, created, 'court');
}

function increments(change: ReportChange, created: ReadonlySet<string>, row: 'high' | 'court'): Counters {
  const add: Counters = {};
  const plus = (name: string, value: number) => {
    add[name] = (add[name] ?? 0) + value;
  };
  for (const [name, value] of Object.entries(change.add)) if (value !== undefined) plus(name, value);
  if (change.paid) {
    const cat = change.paid.category.replace(/[^a-z-]/g, '');
    plus(`cat:${cat}:paid`, 1);
    plus(`cat:${cat}:amountFen`, change.paid.amountFen);
  }
  for (const marker of reportMarkers(change))
    if ((marker.rows === row || marker.rows === 'both') && created.has(marker.key))
      for (const [name, value] of Object.entries(marker.counts)) plus(name, value);
  for (const [name, value] of Object.entries(add)) if (value === 0) delete add[name];
  return add;
}

/**
 * The campaign's national figures, derived at read time from the high-court rows: every counter
 * summed, except `persons`, which is the sum of the rows' NATIONAL_PERSONS (a person paid in two
 * high courts is one person nationally).
 */
export function nationalTotals(rows: Iterable<Counters>): Counters {
  const total: Counters = {};
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (name === 'persons') continue;
      const target = name === NATIONAL_PERSONS ? 'persons' : name;
      total[target] = (total[target] ?? 0) + value;
    }
  }
  return total;
}
