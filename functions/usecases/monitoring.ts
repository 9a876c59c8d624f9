import { shanghaiDate } from '../domain/campaigns.ts';
import { shanghaiDayOf } from '../domain/eligibility.ts';
import {
  type AssetCheck,
  afterAssetCheck,
  assetCheckRefusal,
  isCheckOverdue,
  promptsResumption,
} from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../lib/errors.ts';
import type { ApplicationRecord, Page } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';

export interface AssetCheckInput {
  checkedAt: string;
  method: AssetCheck['method'];
  result: AssetCheck['result'];
  detail: string;
  applicantNotifiedAt?: string | undefined;
}

function refuse(code: string): never {
  switch (code) {
    case 'NOT_RELIEF_CLOSED':
      throw new ConflictError(
        'NOT_RELIEF_CLOSED',
        'Asset checks are recorded on relief-closed (closed or resumed) applications.',
      );
    case 'DUPLICATE_ASSET_CHECK':
      throw new ConflictError(
        'DUPLICATE_ASSET_CHECK',
        'A check with this date and method is already recorded.',
      );
    case 'CHECK_IN_FUTURE':
      throw new UnprocessableError('CHECK_IN_FUTURE', 'The check is dated in the future.', {
        errors: [{ code: 'CHECK_IN_FUTURE', path: 'checkedAt', message: 'After today (Beijing time).' }],
      });
    default:
      throw new UnprocessableError('CHECK_BEFORE_CLOSURE', 'The check is dated before the case was closed.', {
        errors: [{ code: 'CHECK_BEFORE_CLOSURE', path: 'checkedAt', message: 'Before the ruling.' }],
      });
  }
}

/**
 * 财产查询: the executing court's clerk records an asset check of a relief-closed case; the schedule
 * moves on one interval from the check; `assets-found` / `evasion-found` set `resumptionDue` (三.4).
 * Refusals change nothing: 409 NOT_RELIEF_CLOSED / DUPLICATE_ASSET_CHECK, 422 CHECK_IN_FUTURE /
 * CHECK_BEFORE_CLOSURE / APPLICANT_NOTIFIED_BEFORE_CHECK.
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
  const judge = (current: ApplicationRecord) => {
    const refusal = assetCheckRefusal(current, { checkedOn, method: input.method }, today);
    if (refusal) refuse(refusal);
  };
  judge(app);
  const at = now.toISOString();
  return deps.repo.update(
    id,
    (current) => {
      judge(current);
      const check: AssetCheck = {
        checkedOn,
        checkedAt: input.checkedAt,
        method: input.method,
        result: input.result,
        detail: input.detail,
        ...(input.applicantNotifiedAt ? { applicantNotifiedAt: input.applicantNotifiedAt } : {}),
        recordedAt: at,
        recordedBy: principal.sub,
      };
      const monitoring = afterAssetCheck(
        current.monitoring as NonNullable<ApplicationRecord['monitoring']>,
        check,
      );
      const resumptionDue =
        current.status === 'closed' && (current.resumptionDue === true || promptsResumption(input.result));
      return {
        next: { ...current, version: current.version + 1, monitoring, resumptionDue },
        audit: {
          actor: principal,
          action: 'asset-check.recorded',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {
            checkedAt: input.checkedAt,
            method: input.method,
            result: input.result,
            nextDue: monitoring.nextDue,
            resumptionDue,
          },
        },
      };
    },
    { idempotency },
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
  const judge = (current: ApplicationRecord) => {
    if (current.status !== 'closed' || current.resumptionDue !== true)
      throw new ConflictError(
        'RESUMPTION_NOT_DUE',
        'Only a relief-closed case whose asset check prompted resumption can have it dismissed.',
      );
  };
  judge(app);
  const at = deps.now().toISOString();
  return deps.repo.update(
    id,
    (current) => {
      judge(current);
      const dismissal = { reason: input.reason, dismissedAt: at, dismissedBy: principal.sub };
      return {
        next: {
          ...current,
          version: current.version + 1,
          resumptionDue: false,
          resumptionDismissals: [...(current.resumptionDismissals ?? []), dismissal],
        },
        audit: {
          actor: principal,
          action: 'resumption.dismissed',
          fromStatus: current.status,
          toStatus: current.status,
          detail: { reason: input.reason },
        },
      };
    },
    { idempotency },
  );
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
    })),
    nextCursor,
  };
}
