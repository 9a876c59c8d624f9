import { nationalTotals } from '../../domain/report.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../../ports/idempotency.ts';
import { type CounterRow, ReportAlreadyFrozenError, type ReportStore } from '../../ports/reports.ts';
import {
  copy,
  idempotencyKey,
  type MemoryState,
  MemoryTransactionCanceled,
  type Operation,
  tick,
  transact,
} from './state.ts';

/** Report counters (moved by the memory application repository) and frozen reports, in memory. */
export class MemoryReportStore implements ReportStore {
  constructor(private readonly state: MemoryState) {}

  async counters(campaignId: string): Promise<{ byHighCourt: Map<string, CounterRow>; total: CounterRow }> {
    await tick();
    const prefix = `${campaignId}#HIGH#`;
    const byHighCourt = new Map<string, CounterRow>();
    const rows = [...this.state.reportCounters.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, row] of rows) byHighCourt.set(key.slice(prefix.length), { ...row });
    return { byHighCourt, total: nationalTotals(byHighCourt.values()) };
  }

  async getFrozen(campaignId: string, highCourtCode: string): Promise<Record<string, unknown> | undefined> {
    await tick();
    return copy(this.state.frozenReports.get(`${campaignId}#${highCourtCode}`));
  }

  async freeze<T extends Record<string, unknown>>(
    campaignId: string,
    highCourtCode: string,
    frozen: T,
    idempotency?: IdempotentWrite<T>,
  ): Promise<void> {
    await tick();
    const key = `${campaignId}#${highCourtCode}`;
    const ops: Operation[] = [
      {
        label: 'frozen',
        item: `FROZEN#${key}`,
        condition: () => !this.state.frozenReports.has(key),
        apply: () => this.state.frozenReports.set(key, copy(frozen)),
      },
    ];
    if (idempotency) {
      const record = recordOf(idempotency, frozen);
      const idemKey = idempotencyKey(idempotency.scope, idempotency.key);
      ops.push({
        label: 'idempotency',
        item: `IDEMP#${idemKey}`,
        condition: () => !this.state.idempotency.has(idemKey),
        apply: () => this.state.idempotency.set(idemKey, copy(record)),
      });
    }
    try {
      transact(ops);
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (idempotency && failed.has('idempotency')) {
        const record = this.state.idempotency.get(idempotencyKey(idempotency.scope, idempotency.key));
        throw new IdempotencyReplay(copy(record) as IdempotencyRecord);
      }
      if (failed.has('frozen')) throw new ReportAlreadyFrozenError('Already frozen.');
      throw error;
    }
  }
}
