import { nextAllocation, type SweptRelease, settleOnRow, sweptRelease } from '../../domain/quota.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import { CONFLICT_RETRY } from '../../lib/retry.ts';
import type { AuditEntry, AuditInput } from '../../ports/applications.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../../ports/idempotency.ts';
import type { QuotaLedger, StoredQuota } from '../../ports/quotas.ts';
import { MemoryFaults } from './faults.ts';
import {
  copy,
  idempotencyKey,
  type MemoryState,
  MemoryTransactionCanceled,
  type Operation,
  tick,
  transact,
} from './state.ts';

const quotaKey = (campaignId: string, code: string) => `${campaignId}#${code}`;

/**
 * The quota ledger in memory, over the rows the memory application repository reserves from: an
 * allocation is conditioned on the row it read (a lost race is retried, then ConcurrentUpdateError),
 * never falls below reserved + disbursed, and writes its entry on the quota's own hash chain (and
 * the idempotency record) in the same transaction.
 */
export class MemoryQuotaLedger implements QuotaLedger {
  readonly faults = new MemoryFaults();

  constructor(
    private readonly state: MemoryState,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(campaignId: string, highCourtCode: string): Promise<StoredQuota | undefined> {
    await tick();
    return copy(this.state.quotas.get(quotaKey(campaignId, highCourtCode)));
  }

  async list(campaignId: string): Promise<StoredQuota[]> {
    await tick();
    return [...this.state.quotas.values()]
      .filter((q) => q.campaignId === campaignId)
      .sort((a, b) => (a.highCourtCode < b.highCourtCode ? -1 : a.highCourtCode > b.highCourtCode ? 1 : 0))
      .map((q) => copy(q));
  }

  async allocate(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    audit: AuditInput,
    idempotency?: IdempotentWrite<StoredQuota>,
  ): Promise<StoredQuota> {
    const key = quotaKey(campaignId, highCourtCode);
    for (let attempt = 0; attempt < CONFLICT_RETRY.attempts; attempt++) {
      const current = await this.get(campaignId, highCourtCode);
      const at = this.now().toISOString();
      const { next, entry } = nextAllocation(current, { campaignId, highCourtCode, allocatedFen, at, audit });
      const seq = entry.seq;
      const ops: Operation[] = [
        {
          label: 'quota',
          item: `QUOTA#${key}`,
          condition: () => {
            const row = this.state.quotas.get(key);
            return current ? row?.version === current.version : row === undefined;
          },
          apply: () => this.state.quotas.set(key, copy(next)),
        },
        {
          label: 'audit',
          item: `QUOTA_AUDIT#${key}#${seq}`,
          condition: () => !this.state.quotaAudit.get(key)?.has(seq),
          apply: () => {
            const trail = this.state.quotaAudit.get(key) ?? new Map<number, AuditEntry>();
            trail.set(seq, copy(entry));
            this.state.quotaAudit.set(key, trail);
          },
        },
      ];
      if (idempotency) {
        const record = recordOf(idempotency, next);
        const idemKey = idempotencyKey(idempotency.scope, idempotency.key);
        ops.push({
          label: 'idempotency',
          item: `IDEMP#${idemKey}`,
          condition: () => !this.state.idempotency.has(idemKey),
          apply: () => this.state.idempotency.set(idemKey, copy(record)),
        });
      }
      await this.faults.window();
      try {
        transact(ops, this.faults.take());
        return copy(next);
      } catch (error) {
        if (!(error instanceof MemoryTransactionCanceled)) throw error;
        if (idempotency && error.failed().has('idempotency')) {
          const record = this.state.idempotency.get(idempotencyKey(idempotency.scope, idempotency.key));
          throw new IdempotencyReplay(copy(record) as IdempotencyRecord);
        }
      }
    }
    throw new ConcurrentUpdateError(
      'The quota is being changed concurrently; nothing was written. Retry shortly.',
    );
  }

  async settleReservation(
    campaignId: string,
    highCourtCode: string,
    key: string,
    how: 'release' | 'drop',
    release: Omit<SweptRelease, 'at'>,
  ): Promise<boolean> {
    await tick();
    const rowKey = quotaKey(campaignId, highCourtCode);
    const row = this.state.quotas.get(rowKey);
    if (!row?.reservations?.[key]) return false;
    if (how === 'drop') {
      const next = settleOnRow(row, key, 'drop');
      if (next) this.state.quotas.set(rowKey, next);
      return next !== undefined;
    }
    const swept = sweptRelease(row, key, { ...release, at: this.now().toISOString() });
    if (!swept) return false;
    const { next, entry } = swept;
    transact(
      [
        {
          label: 'quota',
          item: `QUOTA#${rowKey}`,
          condition: () => this.state.quotas.get(rowKey)?.version === row.version,
          apply: () => this.state.quotas.set(rowKey, copy(next)),
        },
        {
          label: 'audit',
          item: `QUOTA_AUDIT#${rowKey}#${entry.seq}`,
          condition: () => !this.state.quotaAudit.get(rowKey)?.has(entry.seq),
          apply: () => {
            const trail = this.state.quotaAudit.get(rowKey) ?? new Map<number, AuditEntry>();
            trail.set(entry.seq, copy(entry));
            this.state.quotaAudit.set(rowKey, trail);
          },
        },
      ],
      this.faults.take(),
    );
    return true;
  }

  async listAudit(campaignId: string, highCourtCode: string): Promise<AuditEntry[]> {
    await tick();
    return [...(this.state.quotaAudit.get(quotaKey(campaignId, highCourtCode))?.values() ?? [])]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => copy(e));
  }
}
