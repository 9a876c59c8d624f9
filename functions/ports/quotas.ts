import type { SweptRelease } from '../domain/quota.ts';
import type { AuditEntry, AuditInput } from './applications.ts';
import type { QuotaRecord } from './campaigns.ts';
import type { IdempotentWrite } from './idempotency.ts';

/** A quota row as stored: the counters plus the head of its allocation trail (absent before any allocation). */
export type StoredQuota = QuotaRecord & { auditSeq?: number; auditHead?: string };

/** An allocation below what is already reserved plus disbursed (the rule: domain/quota.ts). */
export { QuotaBelowCommittedError } from '../domain/quota.ts';

/**
 * The quota ledger (保险救助金额度) as the use cases need it: one row per campaign and high court.
 * Reservations, releases and commits happen inside the application repository's transactions
 * (UpdateOptions.quota); allocations by the SPC are written here, audited on the quota's own chain.
 */
export interface QuotaLedger {
  get(campaignId: string, highCourtCode: string): Promise<StoredQuota | undefined>;
  /** Every quota row of the campaign (at most 32). */
  list(campaignId: string): Promise<StoredQuota[]>;
  /**
   * Sets the allocation, never below reserved + disbursed (QuotaBelowCommittedError), with its audit
   * entry and, given `idempotency`, the key's record in the same transaction (a replay: IdempotencyReplay).
   * Gives up with ConcurrentUpdateError when other writers keep winning.
   */
  allocate(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    audit: AuditInput,
    idempotency?: IdempotentWrite<StoredQuota>,
  ): Promise<StoredQuota>;
  /**
   * The repair sweep settles a stale reservation entry (domain/quota.ts staleEntryVerdict): `release`
   * gives its amount back, with an entry on the quota's own chain in the same write; `drop` only
   * removes the entry (the application recorded it). False when the entry is gone already.
   */
  settleReservation(
    campaignId: string,
    highCourtCode: string,
    key: string,
    how: 'release' | 'drop',
    release: Omit<SweptRelease, 'at'>,
  ): Promise<boolean>;
  /** The allocation trail (and the sweep's releases), oldest first. */
  listAudit(campaignId: string, highCourtCode: string): Promise<AuditEntry[]>;
}
