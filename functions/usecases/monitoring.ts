import { addDays, shanghaiDate } from '../domain/campaigns.ts';
import type { CourtRegistry } from '../domain/court-registry.ts';
import { shanghaiDayOf } from '../domain/eligibility.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { type AssetCheck, escalatedAtOf, isCheckOverdue, overdueToEscalate } from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import { BadRequestError, ForbiddenError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import type { ApplicationRecord, Page } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

export interface AssetCheckInput {
  checkedAt: string;
  method: AssetCheck['method'];
  result: AssetCheck['result'];
  detail: string;
  applicantNotifiedAt?: string | undefined;
}

/**
 * 财产查询: the executing court's clerk records an asset check of a relief-closed case; the schedule
 * moves on one interval from the check; `assets-found` / `evasion-found` set `resumptionDue` (三.4).
 * Refusals change nothing: 409 NOT_RELIEF_CLOSED / DUPLICATE_ASSET_CHECK, 422 CHECK_IN_FUTURE /
 * CHECK_BEFORE_CLOSURE / APPLICANT_NOTIFIED_BEFORE_CHECK / APPLICANT_NOTIFIED_IN_FUTURE.
 */
export async function recordAssetCheck(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: AssetCheckInput,
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const checkedOn = shanghaiDayOf(input.checkedAt) as string;
  const notifiedOn = shanghaiDayOf(input.applicantNotifiedAt);
  if (input.applicantNotifiedAt !== undefined && (notifiedOn === undefined || notifiedOn < checkedOn)) {
    throw new UnprocessableError(
      'APPLICANT_NOTIFIED_BEFORE_CHECK',
      'The applicant cannot be told before the check.',
      {
        errors: [
          {
            code: 'APPLICANT_NOTIFIED_BEFORE_CHECK',
            path: 'applicantNotifiedAt',
            message: 'Before checkedAt.',
          },
        ],
      },
    );
  }
  const now = deps.now();
  const today = shanghaiDate(now);
  if (notifiedOn !== undefined && notifiedOn > today) {
    throw new UnprocessableError(
      'APPLICANT_NOTIFIED_IN_FUTURE',
      'The applicant cannot be told in the future.',
      {
        errors: [
          {
            code: 'APPLICANT_NOTIFIED_IN_FUTURE',
            path: 'applicantNotifiedAt',
            message: 'After today (Beijing time).',
          },
        ],
      },
    );
  }
  refusing(() => lifecycle.recordAssetCheck.guard(app, { checkedOn, method: input.method }, today));
  const check: AssetCheck = {
    checkedOn,
    checkedAt: input.checkedAt,
    method: input.method,
    result: input.result,
    detail: input.detail,
    ...(input.applicantNotifiedAt ? { applicantNotifiedAt: input.applicantNotifiedAt } : {}),
    recordedAt: now.toISOString(),
    recordedBy: principal.sub,
  };
  return deps.repo.update(
    id,
    ...applying(
      (current) => lifecycle.recordAssetCheck(current, { actor: principal, check, today }, now),
      () => ({ idempotency }),
    ),
  );
}

/**
 * 不予恢复执行: after an `assets-found` / `evasion-found` check, the executing court's clerk records
 * why enforcement is not resumed; `resumptionDue` goes back to false and the reason stays on the case.
 * Refused (409 RESUMPTION_NOT_DUE, nothing changes) unless the case is relief-closed with resumption due.
 */
export async function dismissResumption(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reason: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.dismissResumption(current, { actor: principal, reason: input.reason }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}

export interface DueInput {
  courtCode?: string | undefined;
  before?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A due-list cursor: which high court's partition, and the index's cursor within it. */
function encodeDueCursor(h: number, inner: string | null): string {
  return Buffer.from(JSON.stringify({ h, ...(inner ? { c: inner } : {}) })).toString('base64url');
}

function decodeDueCursor(cursor: string | undefined, partitions: number): { h: number; c?: string } {
  if (!cursor) return { h: 0 };
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { h?: unknown; c?: unknown };
    if (!Number.isInteger(v.h) || (v.h as number) < 0 || (v.h as number) >= partitions) throw new Error('h');
    if (v.c !== undefined && typeof v.c !== 'string') throw new Error('c');
    return { h: v.h as number, ...(typeof v.c === 'string' ? { c: v.c } : {}) };
  } catch {
    throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
  }
}

/**
 * 分类管理: relief-closed cases within the caller's jurisdiction whose asset check is due on or before
 * `before` (default: today in Beijing, from the clock), earliest first, each with `overdue`. A basic
 * court's clerk sees its own court; an intermediate court its own and those below; a high court its
 * province; the SPC every high court's partition in turn. Read from the sparse due index.
 */
export async function listDue(deps: ApplicationDeps, principal: Principal, input: DueInput) {
  const courts = await deps.courts.registry();
  const own = courts.get(principal.court);
  if (!own) throw new ForbiddenError('UNKNOWN_COURT', 'Your token names a court this system does not know.');
  const today = shanghaiDate(deps.now());
  const before = input.before ?? today;
  let partitions: string[];
  let filter: { courtCode?: string; courtOrAncestor?: string } = {};
  if (input.courtCode) {
    if (!courts.get(input.courtCode) || !courts.isWithinJurisdiction(own.code, input.courtCode))
      throw new NotFoundError();
    const target = courts.get(input.courtCode);
    partitions = [courts.highCourtOf(input.courtCode)];
    if (target?.level === 'intermediate') filter = { courtOrAncestor: input.courtCode };
    else if (target?.level !== 'high') filter = { courtCode: input.courtCode };
  } else if (own.level === 'spc') {
    partitions = [...courts.quotaHolderCodes];
  } else if (own.level === 'high') {
    partitions = [own.code];
  } else if (own.level === 'intermediate') {
    partitions = [courts.highCourtOf(own.code)];
    filter = { courtOrAncestor: own.code };
  } else {
    partitions = [courts.highCourtOf(own.code)];
    filter = { courtCode: own.code };
  }
  let { h, c } = decodeDueCursor(input.cursor, partitions.length);
  const items: ApplicationRecord[] = [];
  let nextCursor: string | null = null;
  while (h < partitions.length) {
    let page: Page<ApplicationRecord>;
    try {
      page = await deps.repo.listDue({
        highCourtCode: partitions[h] as string,
        before,
        ...filter,
        limit: input.limit - items.length,
        ...(c ? { cursor: c } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'InvalidCursorError')
        throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
      throw error;
    }
    items.push(...page.items);
    if (page.nextCursor) {
      nextCursor = encodeDueCursor(h, page.nextCursor);
      break;
    }
    h += 1;
    c = undefined;
    if (items.length >= input.limit) {
      nextCursor = h < partitions.length ? encodeDueCursor(h, null) : null;
      break;
    }
  }
  return {
    items: items.map((app) => ({
      app,
      nextAssetCheckDue: app.monitoring?.nextDue ?? null,
      overdue: isCheckOverdue(app.monitoring, today),
      escalatedAt: escalatedAtOf(app.monitoring),
    })),
    nextCursor,
  };
}

/** The sweep's stored position (repo sweep cursor `OVERDUE_SWEEP`): a high court's partition and the index's cursor in it. */
export const OVERDUE_SWEEP = 'asset-checks-overdue';

function decodeSweepCursor(cursor: string | null, partitions: number): { h: number; c?: string } {
  try {
    return decodeDueCursor(cursor ?? undefined, partitions);
  } catch {
    // Our own stored value, unreadable (or the registry shrank): begin a new pass.
    return { h: 0 };
  }
}

export interface OverdueSweepOptions {
  /** Index items read per run (default 200); the next run resumes where this one stopped. */
  limit?: number;
  /** Begin a new pass instead of resuming the stored one. */
  fromStart?: boolean;
}

export interface OverdueSweepResult {
  /** Index items read this run. */
  examined: number;
  /** Checks escalated this run (one audit entry each): the operator metric AssetChecksOverdue. */
  escalated: number;
  /** The run reached the end of the last partition: the next run begins a new pass. */
  passComplete: boolean;
  outcomes: Record<string, number>;
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
