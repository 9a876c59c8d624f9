import { shanghaiDate } from '../domain/campaigns.ts';
import { escalatedAtOf, isCheckOverdue } from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import { BadRequestError, ForbiddenError, NotFoundError } from '../lib/errors.ts';
import type { ApplicationRecord, Page } from '../ports/applications.ts';
import type { ApplicationDeps } from './applications.ts';
import { type DueInput, decodeDueCursor, encodeDueCursor } from './monitoring.ts';

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
