import type { ReconciliationResult } from '../domain/reconciliation.ts';
import type { IdempotentWrite } from './idempotency.ts';

/** One reconciliation of an insurer's statement, stored once and never changed (its own audit record). */
export interface StoredReconciliation extends ReconciliationResult {
  id: string;
  campaignId: string;
  recordedAt: string;
  recordedBy: { sub: string; court: string; roles: string[] };
  statement: { sha256: string; sizeBytes: number; encoding: 'utf-8' | 'gb18030' };
}

/** Reconciliations as items of their own (`RECON#<campaignId>` / `RECON#<id>`), with the key record. */
export interface ReconciliationStore {
  put(rec: StoredReconciliation, idempotency?: IdempotentWrite<StoredReconciliation>): Promise<void>;
  get(campaignId: string, id: string): Promise<StoredReconciliation | undefined>;
}
