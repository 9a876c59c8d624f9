import type { IdempotentWrite } from './idempotency.ts';

/** One counter row of a report (per high court, or the derived national figures): counter name → value. */
export type CounterRow = Record<string, number>;

/** A report that was frozen already (a frozen report never changes). */
export class ReportAlreadyFrozenError extends Error {
  override name = 'ReportAlreadyFrozenError';
}

/**
 * The report counters, moved by the application repository in the same transaction as each change
 * (UpdateOptions.report), and the frozen copies the high courts submit to the SPC.
 */
export interface ReportStore {
  /** The counters per high court (rows that exist) and the campaign's national figures derived from them (domain/report.ts `nationalTotals`). */
  counters(campaignId: string): Promise<{ byHighCourt: Map<string, CounterRow>; total: CounterRow }>;
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
