import type { Narrative } from '../domain/report.ts';
import type { IdempotentWrite } from './idempotency.ts';

/** One counter row of a report (per high court, or the derived national figures): counter name → value. */
export type CounterRow = Record<string, number>;

/** A report that was frozen already (a frozen report never changes). */
export class ReportAlreadyFrozenError extends Error {
  override name = 'ReportAlreadyFrozenError';
}

/** A narrative written since it was read (its version moved on). */
export class NarrativeVersionConflict extends Error {
  override name = 'NarrativeVersionConflict';
}

/** A stored narrative and who wrote it: each version is kept as its own record (the narrative's audit trail). */
export interface StoredNarrative extends Narrative {
  campaignId: string;
  highCourtCode: string;
  actor: { sub: string; court: string; roles: string[] };
}

/**
 * The report counters, moved by the application repository in the same transaction as each change
 * (UpdateOptions.report), and the frozen copies the high courts submit to the SPC.
 */
export interface ReportStore {
  /** The counters per high court (rows that exist) and the campaign's national figures derived from them (domain/report.ts `nationalTotals`). */
  counters(campaignId: string): Promise<{ byHighCourt: Map<string, CounterRow>; total: CounterRow }>;
  /**
   * The executing courts' counter rows (the report's `byCourt`): high court → court → counters, for
   * one high court or (without `highCourtCode`) all of them.
   */
  courtCounters(campaignId: string, highCourtCode?: string): Promise<Map<string, Map<string, CounterRow>>>;
  /** The current narrative per high court (those that have one). */
  narratives(campaignId: string, highCourtCode?: string): Promise<Map<string, StoredNarrative>>;
  /**
   * Writes version `narrative.version` (the stored one + 1; 1 for the first) and keeps it as a record
   * of its own, in one transaction with the key's record; refused with NarrativeVersionConflict if the
   * stored version is not `narrative.version - 1`, and ReportAlreadyFrozenError once that high court's
   * report is frozen (the frozen copy's hash covers the narrative, so it never changes after).
   */
  putNarrative(narrative: StoredNarrative, idempotency?: IdempotentWrite<StoredNarrative>): Promise<void>;
  getFrozen(campaignId: string, highCourtCode: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Stores a frozen copy once (a second: ReportAlreadyFrozenError); given `idempotency`, the key's record
   * in the same transaction (a replay: IdempotencyReplay).
   */
  freeze<T extends Record<string, unknown>>(
    campaignId: string,
    highCourtCode: string,
    frozen: T,
    idempotency?: IdempotentWrite<T>,
  ): Promise<void>;
}
