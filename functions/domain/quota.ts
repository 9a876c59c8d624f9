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

/** The counters a reservation, release or commit moves (inside the application transactions). */
export type QuotaCounter = 'availableFen' | 'reservedFen' | 'disbursedFen';
export type QuotaOp = 'reserve' | 'release' | 'commit';

export interface QuotaMovement {
  /** The counter that must hold at least the amount: what is moved out of it never goes below zero. */
  covers: QuotaCounter;
  /** Each counter that moves, and in which direction (the amount is added or subtracted). */
  moves: readonly (readonly [QuotaCounter, 1 | -1])[];
}

/**
 * Reservation arithmetic, once: the high court's approval reserves (available → reserved), a decline
 * releases (reserved → available), a payout commits (reserved → disbursed). Both stores apply exactly
 * this: the DynamoDB transaction as a conditioned counter update (adapters/dynamo-applications.ts
 * quotaUpdate), the memory store on its row (applyQuotaMovement).
 */
export function quotaMovement(op: QuotaOp): QuotaMovement {
  switch (op) {
    case 'reserve':
      return {
        covers: 'availableFen',
        moves: [
          ['availableFen', -1],
          ['reservedFen', 1],
        ],
      };
    case 'release':
      return {
        covers: 'reservedFen',
        moves: [
          ['availableFen', 1],
          ['reservedFen', -1],
        ],
      };
    case 'commit':
      return {
        covers: 'reservedFen',
        moves: [
          ['disbursedFen', 1],
          ['reservedFen', -1],
        ],
      };
  }
}

/** The row after moving `amountFen` by `op`, or undefined when the row cannot cover it (nothing moves). */
export function applyQuotaMovement<R extends Pick<QuotaRow, QuotaCounter | 'version'>>(
  row: R,
  op: QuotaOp,
  amountFen: number,
): R | undefined {
  const movement = quotaMovement(op);
  if (!(row[movement.covers] >= amountFen)) return undefined;
  const next = { ...row, version: row.version + 1 };
  for (const [counter, sign] of movement.moves) next[counter] = row[counter] + sign * amountFen;
  return next;
}
