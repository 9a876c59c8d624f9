import type { DecisionKind } from '../domain/approval.ts';
import type { Principal } from '../lib/auth.ts';
import { mapLimited } from '../lib/concurrency.ts';
import { AppError, ForbiddenError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import type { ApplicationRecord, ApplicationStatus } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { hasRole, loadVisible } from './applications.ts';
import type { ApprovalDeps } from './approval-steps.ts';
import { decideApplication } from './decide-application.ts';

/** Time kept for recording the results and answering when a batch stops early (see decideBatch). */
export const BATCH_RESERVE_MS = 5_000;

export interface BatchItem {
  applicationId: string;
  decision: DecisionKind;
  comment: string;
}

export interface BatchItemResult {
  applicationId: string;
  /** After the decision, or as it stands when the item was refused (null when not visible to the caller). */
  status: ApplicationStatus | null;
  pendingAt: string | null;
  /** The refusal's stable code (the same as a single decision's), absent when the item was decided. */
  code?: string;
  message?: string;
}

export interface BatchResult {
  results: BatchItemResult[];
}

/**
 * How many items of a batch are decided at once. Items are independent (each is its own read and its
 * own transaction); the final approvals of one high court meet on its quota row, which serialises
 * them there, so a few in flight keep the row busy without piling up retries behind it.
 */
export const BATCH_CONCURRENCY = 6;

/**
 * 批量审批: each item is one `decideApplication` — the same rules (jurisdiction, level, submitter ≠
 * approver, quota at the high court, evidence set with the documents' hashes) and the same single
 * transaction per item, so an item is applied whole or not at all. The caller's role is checked once;
 * the batch's applications are read in one BatchGetItem per 100 and each item's decision starts from
 * that read (a retry reads again). Up to BATCH_CONCURRENCY items run at once, each taken in the order
 * given; the quota is reserved item by item, each reservation conditioned on what is left, so when it
 * runs out mid-batch exactly the items that no longer fit are refused (QUOTA_EXCEEDED) — which of two
 * items in flight together gets the last amount is the one whose transaction lands first.
 * A refusal becomes that item's code; a second item for the same id is DUPLICATE_IN_BATCH (decided
 * once, at its first place); an unexpected error is logged and that item is INTERNAL_ERROR, the
 * others carry on.
 *
 * With an Idempotency-Key the results are recorded once all items ran; a retry after a crash midway
 * runs again, and the items decided the first time answer DECISION_ALREADY_RECORDED (nothing twice).
 *
 * A batch never runs into the function's timeout (which would answer 500 with no results): when less
 * than BATCH_RESERVE_MS is left, the items not started yet are NOT_ATTEMPTED (nothing written for
 * them; send them again in a new batch) and the answer is given with what was decided.
 */
export async function decideBatch(
  deps: ApprovalDeps,
  principal: Principal,
  items: readonly BatchItem[],
  idempotency?: IdempotentWrite<BatchResult>,
  opts: { remainingMs?: () => number; concurrency?: number } = {},
): Promise<BatchResult> {
  if (!hasRole(principal, 'approver')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an approver may decide.');
  }
  const seen = new Set<string>();
  const firsts = items.map((item) => {
    const first = !seen.has(item.applicationId);
    seen.add(item.applicationId);
    return first;
  });
  const read = await deps.repo.getMany([...seen]);
  let outOfTime = false;
  const results = await mapLimited(items, opts.concurrency ?? BATCH_CONCURRENCY, async (item, i) => {
    if (!firsts[i]) {
      return {
        applicationId: item.applicationId,
        status: null,
        pendingAt: null,
        code: 'DUPLICATE_IN_BATCH',
        message: 'This application appears earlier in the batch; it was decided (or refused) once there.',
      } satisfies BatchItemResult;
    }
    outOfTime ||= (opts.remainingMs?.() ?? Number.POSITIVE_INFINITY) < BATCH_RESERVE_MS;
    if (outOfTime) {
      return {
        applicationId: item.applicationId,
        status: null,
        pendingAt: null,
        code: 'NOT_ATTEMPTED',
        message:
          'The batch ran out of time before this item; nothing was written for it. Send it again in a new batch.',
      } satisfies BatchItemResult;
    }
    return decideItem(deps, principal, item, read.get(item.applicationId));
  });
  const result = { results };
  const skipped = results.filter((r) => r.code === 'NOT_ATTEMPTED').length;
  if (skipped > 0)
    logger.warn('decision batch stopped before its time ran out', { skipped, items: items.length });
  if (idempotency) await deps.repo.recordIdempotency(idempotency, result);
  return result;
}

async function decideItem(
  deps: ApprovalDeps,
  principal: Principal,
  item: BatchItem,
  read: ApplicationRecord | undefined,
): Promise<BatchItemResult> {
  const { applicationId } = item;
  try {
    const decided = await decideApplication(
      deps,
      principal,
      applicationId,
      { decision: item.decision, comment: item.comment },
      undefined,
      // Not found in the batch's read: 404 from the visibility check, as a single decision answers.
      { read: read ?? null },
    );
    return { applicationId, status: decided.status, pendingAt: decided.pendingAt };
  } catch (error) {
    if (error instanceof AppError) {
      return {
        applicationId,
        ...(await standing(deps, principal, applicationId)),
        code: error.code,
        message: error.message,
      };
    }
    logger.error('batch item failed', { applicationId, errorName: (error as Error)?.name ?? 'Unknown' });
    return {
      applicationId,
      status: null,
      pendingAt: null,
      code: 'INTERNAL_ERROR',
      message:
        'This item failed with an internal error; reload the application to see where it stands, then retry it.',
    };
  }
}

/** Where a refused item stands, for the caller's information; nothing for an id the caller may not see. */
async function standing(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
): Promise<{ status: ApplicationStatus | null; pendingAt: string | null }> {
  try {
    const app = await loadVisible(deps, principal, id);
    return { status: app.status, pendingAt: app.pendingAt };
  } catch {
    return { status: null, pendingAt: null };
  }
}
