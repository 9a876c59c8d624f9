import { IdempotencyReplay, type IdempotentWrite, recordOf } from '../../ports/idempotency.ts';
import type { ReconciliationStore, StoredReconciliation } from '../../ports/reconciliations.ts';
import { idempotencyKey, type MemoryState } from './state.ts';

/** Reconciliations in memory, with the Idempotency-Key record in the same (simulated) transaction. */
export class MemoryReconciliationStore implements ReconciliationStore {
  readonly items = new Map<string, StoredReconciliation>();
  constructor(private readonly state: MemoryState) {}

  async put(rec: StoredReconciliation, idempotency?: IdempotentWrite<StoredReconciliation>): Promise<void> {
    await Promise.resolve();
    const key = `${rec.campaignId}#${rec.id}`;
    if (this.items.has(key)) throw new Error('reconciliation id taken');
    if (idempotency) {
      const idemKey = idempotencyKey(idempotency.scope, idempotency.key);
      const earlier = this.state.idempotency.get(idemKey);
      if (earlier) throw new IdempotencyReplay(structuredClone(earlier));
      this.state.idempotency.set(idemKey, structuredClone(recordOf(idempotency, rec)));
    }
    this.items.set(key, structuredClone(rec));
  }

  async get(campaignId: string, id: string): Promise<StoredReconciliation | undefined> {
    await Promise.resolve();
    const found = this.items.get(`${campaignId}#${id}`);
    return found && structuredClone(found);
  }
}
