import { underRecordedCorrelationId } from '../lib/correlation.ts';
import { logger } from '../lib/logger.ts';
import { outboxRetryAt } from '../lib/retry.ts';
import type { ApplicationRecord, OutboxItem } from '../ports/applications.ts';
import { type ApprovalDeps, startExecution } from './approval-steps.ts';
import { deliverDecision } from './deliver-decision.ts';
import { deliverPayout } from './deliver-payout.ts';
import { ensureWorkflow } from './redrive.ts';

/**
 * Heals what a crash between a transaction and its follow-up left undone: starts executions of
 * recorded submissions and resends recorded decisions. Runs on a schedule (and in the local runner).
 * Reads only the items due now; an item that failed is deferred with backoff (lib/retry.ts
 * `outboxRetryAt`) and one still waiting for its task token goes behind the items already due, so
 * neither blocks the items behind it.
 */
export async function reconcile(deps: ApprovalDeps, limit = 100) {
  const now = deps.now();
  const items = await deps.repo.listOutbox(limit, now.toISOString());
  const results: Record<string, number> = {};
  for (const item of items) {
    // Under the id of the request that wrote the item: the late delivery's logs, the execution it starts
    // and the token it answers join that request's.
    const result = await underRecordedCorrelationId(item.correlationId, () => reconcileItem(deps, item, now));
    results[result] = (results[result] ?? 0) + 1;
  }
  return results;
}

/** One outbox item of a reconcile run: delivered, completed as obsolete, or deferred. */
async function reconcileItem(deps: ApprovalDeps, item: OutboxItem, now: Date): Promise<string> {
  let result: string;
  /** When to read the item again if it stays: a failure backs off; a wait goes behind the items due now. */
  let again: string | undefined;
  try {
    if (item.kind === 'start-execution') {
      const app = await deps.repo.get(item.applicationId);
      if (app?.submission?.seq === item.submissionSeq && app.status === 'pending_approval') {
        await startExecution(deps, app);
        result = 'started';
      } else {
        await deps.repo.completeOutbox(item);
        result = 'obsolete';
      }
    } else if (item.kind === 'deliver-payout') {
      result = await deliverPayout(deps, item);
    } else {
      result = await deliverDecision(deps, item, (app) => workflowCarriesOn(deps, app));
      // Still there: waiting for its token (which answers it on arrival), or the workflow did not move on.
      if (result === 'waiting-for-token') again = now.toISOString();
      else if (result === 'gone') again = outboxRetryAt(now, (item.attempts ?? 0) + 1);
    }
  } catch (error) {
    result = 'failed';
    again = outboxRetryAt(now, (item.attempts ?? 0) + 1);
    logger.warn('reconcile item failed', {
      kind: item.kind,
      applicationId: item.applicationId,
      attempts: (item.attempts ?? 0) + 1,
      errorName: (error as Error).name,
    });
  }
  if (again !== undefined) {
    await deps.repo.deferOutbox(item, again).catch((error: Error) =>
      logger.warn('reconcile could not defer', {
        applicationId: item.applicationId,
        errorName: error.name,
      }),
    );
  }
  return result;
}

/** The reconciler's answer to a 'gone' token: true once the workflow runs (moved on, or re-driven). */
async function workflowCarriesOn(deps: ApprovalDeps, app: ApplicationRecord): Promise<boolean> {
  const outcome = await ensureWorkflow(deps, app, 'undelivered-decision');
  return ['not-in-flight', 'running', 'restarted', 'redriven'].includes(outcome);
}
