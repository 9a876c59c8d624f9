import type { Principal } from '../lib/auth.ts';
import { BadRequestError, ForbiddenError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord, ListQuery, ListScope, Page } from '../ports/applications.ts';
import type { ApplicationDeps, ListInput } from './applications.ts';

/**
 * Lists applications within the caller's jurisdiction, newest first; with `pendingAt`, the approver's
 * queue of that court (the caller's own, or any for the SPC), oldest waiting first, from the sparse
 * queue index.
 */
export async function listApplications(
  deps: ApplicationDeps,
  principal: Principal,
  input: ListInput,
): Promise<Page<ApplicationRecord>> {
  const courts = await deps.courts.registry();
  const own = courts.get(principal.court);
  if (!own) throw new ForbiddenError('UNKNOWN_COURT', 'Your token names a court this system does not know.');
  const query: ListQuery = {
    limit: input.limit,
    status: input.status,
    campaignId: input.campaignId,
    cursor: input.cursor,
  };
  let scope: ListScope;
  if (input.pendingAt) {
    if (!courts.get(input.pendingAt)) throw new NotFoundError();
    if (own.level !== 'spc' && input.pendingAt !== own.code)
      throw new ForbiddenError('QUEUE_NOT_YOURS', 'Only your own court’s approval queue can be read.');
    scope = { kind: 'pendingAt', courtCode: input.pendingAt };
    query.courtCode = input.courtCode;
  } else if (input.courtCode) {
    if (!courts.get(input.courtCode) || !courts.isWithinJurisdiction(own.code, input.courtCode))
      throw new NotFoundError();
    scope = { kind: 'court', courtCode: input.courtCode };
  } else if (own.level === 'spc') {
    if (!input.campaignId) {
      throw new UnprocessableError(
        'CAMPAIGN_REQUIRED',
        'The SPC lists applications per campaign: pass campaignId or courtCode.',
      );
    }
    scope = { kind: 'campaign', campaignId: input.campaignId };
  } else if (own.level === 'high') {
    scope = { kind: 'highCourt', highCourtCode: own.code };
  } else if (own.level === 'intermediate') {
    // Its own cases and those of the courts below it, all in the high court's partition.
    scope = { kind: 'highCourt', highCourtCode: courts.highCourtOf(own.code) };
    query.courtOrAncestor = own.code;
  } else {
    scope = { kind: 'court', courtCode: own.code };
  }
  try {
    return await deps.repo.list(scope, query);
  } catch (error) {
    if ((error as Error).name === 'InvalidCursorError') {
      throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
    }
    throw error;
  }
}
