import { nationalTotals } from '../../domain/report.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../../ports/idempotency.ts';
import {
  type CounterRow,
  NarrativeVersionConflict,
  ReportAlreadyFrozenError,
  type ReportStore,
  type StoredNarrative,
} from '../../ports/reports.ts';
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

  async courtCounters(
    campaignId: string,
    highCourtCode?: string,
  ): Promise<Map<string, Map<string, CounterRow>>> {
    await tick();
    const prefix = `${campaignId}#COURT#${highCourtCode === undefined ? '' : `${highCourtCode}#`}`;
    const out = new Map<string, Map<string, CounterRow>>();
    for (const [key, row] of this.state.reportCounters) {
      if (!key.startsWith(prefix)) continue;
      const [high, court] = key.slice(`${campaignId}#COURT#`.length).split('#') as [string, string];
      const rows = out.get(high) ?? new Map<string, CounterRow>();
      rows.set(court, { ...row });
      out.set(high, rows);
    }
    return out;
  }

  async narratives(campaignId: string, highCourtCode?: string): Promise<Map<string, StoredNarrative>> {
    await tick();
    const out = new Map<string, StoredNarrative>();
    for (const [key, n] of this.state.narratives)
      if (
        key === `${campaignId}#${n.highCourtCode}` &&
        (highCourtCode === undefined || n.highCourtCode === highCourtCode)
      )
        out.set(n.highCourtCode, copy(n));
    return out;
  }

  async putNarrative(
    narrative: StoredNarrative,
    idempotency?: IdempotentWrite<StoredNarrative>,
  ): Promise<void> {
    await tick();
    const key = `${narrative.campaignId}#${narrative.highCourtCode}`;
    const ops: Operation[] = [
      {
        label: 'narrative',
        item: `NARRATIVE#${key}`,
        condition: () => (this.state.narratives.get(key)?.version ?? 0) === narrative.version - 1,
        apply: () => {
          this.state.narratives.set(key, copy(narrative));
          this.state.narratives.set(`${key}#v${narrative.version}`, copy(narrative));
        },
      },
      {
        label: 'frozen',
        item: `FROZEN#${key}`,
        condition: () => !this.state.frozenReports.has(key),
        apply: () => {},
      },
    ];
    if (idempotency) ops.push(this.idempotencyOp(idempotency, narrative));
    try {
      transact(ops);
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (idempotency && failed.has('idempotency')) this.replay(idempotency);
      if (failed.has('frozen')) throw new ReportAlreadyFrozenError('Already frozen.');
      if (failed.has('narrative')) throw new NarrativeVersionConflict('The narrative changed.');
      throw error;
    }
  }

  private idempotencyOp<T>(idempotency: IdempotentWrite<T>, response: T): Operation {
    const record = recordOf(idempotency, response);
    const idemKey = idempotencyKey(idempotency.scope, idempotency.key);
    return {
      label: 'idempotency',
      item: `IDEMP#${idemKey}`,
      condition: () => !this.state.idempotency.has(idemKey),
      apply: () => this.state.idempotency.set(idemKey, copy(record)),
    };
  }

  private replay<T>(idempotency: IdempotentWrite<T>): never {
    const record = this.state.idempotency.get(idempotencyKey(idempotency.scope, idempotency.key));
    throw new IdempotencyReplay(copy(record) as IdempotencyRecord);
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
    if (idempotency) ops.push(this.idempotencyOp(idempotency, frozen));
    try {
      transact(ops);
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (idempotency && failed.has('idempotency')) this.replay(idempotency);
      if (failed.has('frozen')) throw new ReportAlreadyFrozenError('Already frozen.');
      throw error;
    }
  }
}
