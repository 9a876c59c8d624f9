/**
 * The repair sweep of quota reservations (issue 13 item 2). A final approval reserves by one
 * conditional update on its quota row before its transaction (adapters/dynamodb/applications.ts
 * reserveFor) and releases the entry itself when that transaction is refused; a crash between the two
 * (or a failed release) leaves an entry that reserved money nobody holds. This sweep, run by the
 * reconcile task, settles every entry older than RESERVATION_STALE_MS (no request that took it is alive):
 *  - the application records the entry's key → the entry is dropped (the amount stays reserved for it);
 *  - the application is still at the version the entry was taken on → it is fenced first (its version
 *    moves, with an audit entry on its trail), so a decision built on that version can never commit,
 *    then the entry is released;
 *  - the application moved on without recording it → released (audited on the quota's own chain).
 * Never overspent (the amount stays reserved until no decision can record it); nothing half-written
 * past one sweep.
 */
import type { Campaign } from '../domain/campaigns.ts';
import {
  RESERVATION_STALE_MS,
  type ReservationEntry,
  staleEntries,
  staleEntryVerdict,
} from '../domain/quota.ts';
import { logger } from '../lib/logger.ts';
import {
  type ApplicationRecord,
  type ApplicationRepository,
  VersionConflictError,
} from '../ports/applications.ts';
import type { QuotaLedger } from '../ports/quotas.ts';

export interface ReservationSweepDeps {
  repo: Pick<ApplicationRepository, 'get' | 'update'>;
  quotas: Pick<QuotaLedger, 'list' | 'settleReservation'>;
  campaigns: { list(): Promise<Campaign[]> };
  now: () => Date;
}

/** Who the sweep's audit entries name. */
export const RESERVATION_SWEEPER = { sub: 'system:reservation-sweep', court: 'SPC', roles: [] as string[] };

/** The application audit action of the fence. */
export const RESERVATION_FENCED_ACTION = 'quota.reservation.fenced';

export type SweepOutcome = 'released' | 'dropped' | 'fenced' | 'gone' | 'failed';

/** One pass over every campaign's quota rows; counts per outcome (a fenced entry also counts as released). */
export async function sweepStaleReservations(
  deps: ReservationSweepDeps,
): Promise<Partial<Record<SweepOutcome, number>>> {
  const cutoff = new Date(deps.now().getTime() - RESERVATION_STALE_MS).toISOString();
  const counts: Partial<Record<SweepOutcome, number>> = {};
  const count = (o: SweepOutcome) => {
    counts[o] = (counts[o] ?? 0) + 1;
  };
  for (const campaign of await deps.campaigns.list()) {
    for (const row of await deps.quotas.list(campaign.id)) {
      for (const [key, entry] of staleEntries(row, cutoff)) {
        try {
          for (const outcome of await settleStale(deps, row, key, entry)) count(outcome);
        } catch (error) {
          count('failed');
          logger.warn('reservation sweep failed', { key, errorName: (error as Error).name });
        }
      }
    }
  }
  return counts;
}

async function settleStale(
  deps: ReservationSweepDeps,
  row: { campaignId: string; highCourtCode: string },
  key: string,
  entry: ReservationEntry,
): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  let app = await deps.repo.get(entry.applicationId);
  let verdict = staleEntryVerdict(key, entry, app);
  if (verdict === 'fence') {
    app = await fence(deps, entry, key);
    outcomes.push('fenced');
    verdict = staleEntryVerdict(key, entry, app);
    // Still at the entry's version after a fence cannot be: leave it for the next pass.
    if (verdict === 'fence') throw new Error('The application could not be fenced.');
  }
  const settled = await deps.quotas.settleReservation(row.campaignId, row.highCourtCode, key, verdict, {
    actor: RESERVATION_SWEEPER,
    detail: {
      reason: 'stale-reservation',
      fenced: outcomes.includes('fenced'),
      applicationStatus: app?.status ?? null,
      applicationVersion: app?.version ?? null,
    },
  });
  outcomes.push(settled ? (verdict === 'drop' ? 'dropped' : 'released') : 'gone');
  return outcomes;
}

/**
 * Moves the application's version past the entry's (iff it is still there), with an entry on its
 * trail: a decision built on that version can no longer commit. The application as it stands after.
 */
async function fence(
  deps: ReservationSweepDeps,
  entry: ReservationEntry,
  key: string,
): Promise<ApplicationRecord | undefined> {
  try {
    return await deps.repo.update(
      entry.applicationId,
      (current) => ({
        next: { ...current, version: current.version + 1 },
        audit: {
          actor: RESERVATION_SWEEPER,
          action: RESERVATION_FENCED_ACTION,
          fromStatus: current.status,
          toStatus: current.status,
          detail: { reservationKey: key, amountFen: entry.amountFen, reservedAt: entry.at },
        },
      }),
      { expectedVersion: entry.version },
    );
  } catch (error) {
    // Moved on meanwhile: that is a fence too.
    if (!(error instanceof VersionConflictError)) throw error;
    return deps.repo.get(entry.applicationId);
  }
}
