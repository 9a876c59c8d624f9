import { addDays, shanghaiDate } from '../domain/campaigns.ts';
import type { CourtRegistry } from '../domain/court-registry.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { overdueToEscalate } from '../domain/post-closure.ts';
import { logger } from '../lib/logger.ts';
import type { ApplicationRecord, Page } from '../ports/applications.ts';
import type { ApplicationDeps } from './applications.ts';
import {
  decodeDueCursor,
  encodeDueCursor,
  OVERDUE_SWEEP,
  type OverdueSweepOptions,
  type OverdueSweepResult,
} from './monitoring.ts';

function decodeSweepCursor(cursor: string | null, partitions: number): { h: number; c?: string } {
  try {
    return decodeDueCursor(cursor ?? undefined, partitions);
  } catch {
    // Our own stored value, unreadable (or the registry shrank): begin a new pass.
    return { h: 0 };
  }
}

class MovedOn extends Error {}

/**
 * 逾期未查 (item 4: "an overdue check escalates to the executing court and its high court"): one bounded
 * run over the sparse due index, each high court's partition in turn, reading only checks whose due
 * date has passed (due on or before yesterday, Beijing). Each one not yet escalated for that due date
 * gets one audit entry `asset-check.overdue` naming the executing court, its high court and the due
 * date, and is marked on its schedule (`monitoring.escalations`), in the same conditioned write: a
 * second run, or a concurrent one, escalates nothing new. A check recorded later moves the due date,
 * and that one escalates again if it passes too. The run stops after `limit` index items and stores
 * its cursor; the next resumes there, and a completed pass starts over (already escalated checks are
 * read again but skipped, so the cost of a pass is the size of the overdue backlog, alarmed on).
 */
export async function escalateOverdueAssetChecks(
  deps: ApplicationDeps,
  options: OverdueSweepOptions = {},
): Promise<OverdueSweepResult> {
  const courts = await deps.courts.registry();
  const partitions = courts.quotaHolderCodes;
  const now = deps.now();
  const today = shanghaiDate(now);
  const before = addDays(today, -1);
  const limit = options.limit ?? 200;
  let { h, c } = decodeSweepCursor(
    options.fromStart ? null : await deps.repo.getSweepCursor(OVERDUE_SWEEP),
    partitions.length,
  );
  const outcomes: Record<string, number> = {};
  const count = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  let examined = 0;
  let cursor: string | null = null;
  while (h < partitions.length) {
    let page: Page<ApplicationRecord>;
    try {
      page = await deps.repo.listDue({
        highCourtCode: partitions[h] as string,
        before,
        limit: limit - examined,
        ...(c ? { cursor: c } : {}),
      });
    } catch (error) {
      if ((error as Error).name !== 'InvalidCursorError' || !c) throw error;
      // A stored cursor that no longer names a position: this partition from its start.
      c = undefined;
      continue;
    }
    for (const listed of page.items) {
      examined++;
      // The index copy already says it was escalated: nothing to read.
      if (!overdueToEscalate(listed.monitoring, today)) {
        count('escalated-before');
        continue;
      }
      try {
        count(await escalateOne(deps, courts, listed.id, today, now.toISOString()));
      } catch (error) {
        count('failed');
        logger.warn('overdue asset check escalation failed', {
          applicationId: listed.id,
          errorName: (error as Error).name,
        });
      }
    }
    if (page.nextCursor) {
      cursor = encodeDueCursor(h, page.nextCursor);
      break;
    }
    h += 1;
    c = undefined;
    if (examined >= limit) {
      cursor = h < partitions.length ? encodeDueCursor(h, null) : null;
      break;
    }
  }
  await deps.repo.putSweepCursor(OVERDUE_SWEEP, cursor);
  return { examined, escalated: outcomes.escalated ?? 0, passComplete: cursor === null, outcomes };
}

/** Escalates one application's overdue check, judged on the record itself (the index is eventually consistent). */
async function escalateOne(
  deps: ApplicationDeps,
  courts: CourtRegistry,
  id: string,
  today: string,
  at: string,
): Promise<'escalated' | 'moved-on'> {
  let escalatedDue: string | undefined;
  try {
    await deps.repo.update(id, (current) => {
      try {
        const t = lifecycle.escalateOverdueCheck(
          current,
          {
            actor: { sub: 'system:monitoring', court: current.courtCode, roles: [] },
            today,
            courtName: (code) => courts.get(code)?.name ?? null,
          },
          new Date(at),
        );
        escalatedDue = t.due;
        return t;
      } catch (error) {
        if (error instanceof lifecycle.LifecycleRefusal) throw new MovedOn();
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof MovedOn) return 'moved-on';
    throw error;
  }
  logger.info('asset check overdue', { applicationId: id, due: escalatedDue });
  return 'escalated';
}
