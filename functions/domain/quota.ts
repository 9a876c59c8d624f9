/**
 * Quota allocation (保险救助金额度分配) as a pure rule: the row an allocation leaves and the entry it
 * writes on the quota's own audit chain. Both quota ledgers (adapters/dynamo-quotas.ts and
 * adapters/memory/quotas.ts) write exactly this, conditioned on the row they read. Reservations,
 * releases and commits move the same counters inside the application transactions.
 */
import { type ChainedAuditEntry, GENESIS_HASH, sealEntry } from './audit-chain.ts';

/** A quota row: allocated = reserved + disbursed + available, in fen; its chain head on the row. */
export interface QuotaRow {
  campaignId: string;
  highCourtCode: string;
  allocatedFen: number;
  reservedFen: number;
  disbursedFen: number;
  /** allocated − reserved − disbursed, kept as its own counter so conditions need no arithmetic. */
  availableFen: number;
  version: number;
  updatedAt: string;
  auditSeq?: number;
  auditHead?: string;
}

/** An allocation below what is already reserved plus disbursed. */
export class QuotaBelowCommittedError extends Error {
  override name = 'QuotaBelowCommittedError';
}

export interface AllocationRequest {
  campaignId: string;
  highCourtCode: string;
  allocatedFen: number;
  at: string;
  audit: {
    actor: { sub: string; court: string; roles: readonly string[] };
    action: string;
    detail: Record<string, unknown>;
  };
}

/**
 * The row after setting the allocation of `current` (undefined: the first allocation of this high
 * court) and the audit entry that records it, chained to the row's head. Refuses, with
 * QuotaBelowCommittedError, an allocation below reserved + disbursed.
 */
export function nextAllocation(
  current: QuotaRow | undefined,
  request: AllocationRequest,
): { next: QuotaRow; entry: ChainedAuditEntry } {
  const { campaignId, highCourtCode, allocatedFen, at, audit } = request;
  const base: QuotaRow = current ?? {
    campaignId,
    highCourtCode,
    allocatedFen: 0,
    reservedFen: 0,
    disbursedFen: 0,
    availableFen: 0,
    version: 0,
    updatedAt: at,
  };
  if (allocatedFen < base.reservedFen + base.disbursedFen) {
    throw new QuotaBelowCommittedError('The allocation would fall below what is reserved and disbursed.');
  }
  const seq = (base.auditSeq ?? 0) + 1;
  const entry = sealEntry(
    {
      seq,
      at,
      actor: { sub: audit.actor.sub, court: audit.actor.court, roles: [...audit.actor.roles] },
      action: audit.action,
      fromStatus: null,
      toStatus: null,
      detail: { ...audit.detail, fromAllocatedFen: base.allocatedFen, toAllocatedFen: allocatedFen },
    },
    base.auditHead ?? GENESIS_HASH,
  );
  const next: QuotaRow = {
    ...base,
    allocatedFen,
    availableFen: allocatedFen - base.reservedFen - base.disbursedFen,
    version: base.version + 1,
    updatedAt: at,
    auditSeq: seq,
    auditHead: entry.hash,
  };
  return { next, entry };
}
