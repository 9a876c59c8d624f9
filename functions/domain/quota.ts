/**
 * Quota allocation (保险救助金额度分配) as a pure rule: the row an allocation leaves and the entry it
 * writes on the quota's own audit chain. Both quota ledgers (adapters/dynamodb/quotas.ts and
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
  /**
   * Reservations taken by a final approval's own conditional update and not yet settled, by key
   * (reservationKey): counted in reservedFen from the moment they are taken. See reserveOnRow.
   */
  reservations?: Record<string, ReservationEntry>;
}

/**
 * A final approval's reservation on the quota row, taken by one conditional update before the
 * decision's transaction (which no longer carries the quota row): the transaction records `key` on
 * the application (QuotaReservation.key). Until that entry is dropped, the row says which
 * application and which version of it the amount was reserved for, and since when.
 */
export interface ReservationEntry {
  applicationId: string;
  /** The application's version the decision was built on: its transaction is conditioned on it. */
  version: number;
  amountFen: number;
  at: string;
}

/**
 * The reservation key of a final approval built on `app` as read: one per application version, so a
 * retried or replayed request on the same read reserves once (the entry exists), and a decision on a
 * newer version reserves anew. A transaction carrying the key is conditioned on that version, so once
 * the application's version has moved past it without recording the key, none ever can.
 */
export function reservationKey(app: { id: string; version: number }): string {
  return `${app.id}#v${app.version}`;
}

/**
 * How old a reservation entry must be before the repair sweep settles it: twice the longest decision
 * Lambda timeout (29 s, POST /decision-batches); no request that took it is alive any more.
 */
export const RESERVATION_STALE_MS = 60_000;

/**
 * The repair sweep's verdict on a stale entry, given the application as it stands: `drop` when the
 * application records the key (the amount is its reservation: only the entry goes); `fence` when the
 * application is still at the entry's version (a decision built on it could still commit: move the
 * version first, then release); `release` when it moved on without recording the key.
 */
export function staleEntryVerdict(
  key: string,
  entry: ReservationEntry,
  app: { version: number; quotaReservation?: { key?: string } | null } | undefined,
): 'drop' | 'fence' | 'release' {
  if (app?.quotaReservation?.key === key) return 'drop';
  if (app && app.version === entry.version) return 'fence';
  return 'release';
}

/**
 * Whether a reservation taken for `entry` can be released right after its decision failed, given the
 * application as it stands: only once its version moved past the entry's without recording the key
 * (then no transaction carrying the key can ever commit). Otherwise it stays (a retry on the same
 * read reuses it; the sweep settles it).
 */
export function abandonedReservation(
  key: string,
  entry: Pick<ReservationEntry, 'version'>,
  app: { version: number; quotaReservation?: { key?: string } | null } | undefined,
): boolean {
  return app?.quotaReservation?.key !== key && (app === undefined || app.version !== entry.version);
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
    // Reserved counts every entry, so the rule above covers them; they stay as they are.
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
 * this: the DynamoDB transaction as a conditioned counter update (adapters/dynamodb/applications.ts
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

type RowWithEntries = Pick<QuotaRow, QuotaCounter | 'version' | 'reservations'>;

/**
 * A final approval's reservation on the row, as its one conditional update takes it: `held` when the
 * entry is already there (a retry or replay on the same read: never reserved twice), `exceeded` when
 * what is available cannot cover it (nothing moves), else the row with the amount moved from available
 * to reserved and the entry added. Both stores do exactly this (memory on its row; DynamoDB as
 * `attribute_not_exists(entry) AND availableFen >= :a`).
 */
export function reserveOnRow<R extends RowWithEntries>(
  row: R,
  key: string,
  entry: ReservationEntry,
): R | 'held' | 'exceeded' {
  if (row.reservations?.[key]) return 'held';
  const moved = applyQuotaMovement(row, 'reserve', entry.amountFen);
  if (!moved) return 'exceeded';
  return { ...moved, reservations: { ...(row.reservations ?? {}), [key]: entry } };
}

/**
 * The row with the entry `key` settled, or undefined when the entry is not there (settled already:
 * nothing moves). `release` gives the amount back (reserved → available); `drop` only removes the
 * entry (the application recorded the reservation: the amount stays reserved for it).
 */
export function settleOnRow<R extends RowWithEntries>(
  row: R,
  key: string,
  how: 'release' | 'drop',
): R | undefined {
  const entry = row.reservations?.[key];
  if (!entry) return undefined;
  const moved =
    how === 'release'
      ? applyQuotaMovement(row, 'release', entry.amountFen)
      : { ...row, version: row.version + 1 };
  if (!moved) return undefined;
  const { [key]: _settled, ...rest } = row.reservations ?? {};
  return { ...moved, reservations: rest };
}

/** Entries taken before `cutoff` (ISO instant), oldest first: what the repair sweep settles. */
export function staleEntries(
  row: Pick<QuotaRow, 'reservations'>,
  cutoff: string,
): [string, ReservationEntry][] {
  return Object.entries(row.reservations ?? {})
    .filter(([, e]) => e.at < cutoff)
    .sort(([, a], [, b]) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export interface SweptRelease {
  at: string;
  actor: { sub: string; court: string; roles: readonly string[] };
  /** Why: the repair sweep's verdict and what it saw of the application. */
  detail: Record<string, unknown>;
}

/** The quota audit action of a reservation released by the repair sweep. */
export const RESERVATION_RELEASED_ACTION = 'quota.reservation.released';

/**
 * The row after the repair sweep released entry `key`, and the entry on the quota's own hash chain
 * that records it (GET …/quotas/{hc}/audit shows it); undefined when the entry is gone already.
 */
export function sweptRelease(
  row: QuotaRow,
  key: string,
  request: SweptRelease,
): { next: QuotaRow; entry: ChainedAuditEntry } | undefined {
  const reservation = row.reservations?.[key];
  const settled = settleOnRow(row, key, 'release');
  if (!reservation || !settled) return undefined;
  const seq = (row.auditSeq ?? 0) + 1;
  const entry = sealEntry(
    {
      seq,
      at: request.at,
      actor: { sub: request.actor.sub, court: request.actor.court, roles: [...request.actor.roles] },
      action: RESERVATION_RELEASED_ACTION,
      fromStatus: null,
      toStatus: null,
      detail: {
        ...request.detail,
        reservationKey: key,
        applicationId: reservation.applicationId,
        applicationVersion: reservation.version,
        amountFen: reservation.amountFen,
        reservedAt: reservation.at,
        fromReservedFen: row.reservedFen,
        toReservedFen: settled.reservedFen,
      },
    },
    row.auditHead ?? GENESIS_HASH,
  );
  return { next: { ...settled, updatedAt: request.at, auditSeq: seq, auditHead: entry.hash }, entry };
}
