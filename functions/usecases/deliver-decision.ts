import type { ApplicationRecord, OutboxItem } from '../ports/applications.ts';
import { type ApprovalDeps, decisionOutput } from './approval-steps.ts';

/**
 * Sends a recorded decision to the workflow if the token of its level is known; completes the
 * outbox item when sent, or when the token is gone and `onGone` confirms the workflow carries on
 * (otherwise the item stays for the reconciler). Safe to repeat.
 */
export async function deliverDecision(
  deps: ApprovalDeps,
  item: Extract<OutboxItem, { kind: 'deliver-decision' }>,
  onGone?: (app: ApplicationRecord) => Promise<boolean>,
  /** The application as the caller just wrote it (no need to read it again). */
  written?: ApplicationRecord,
) {
  const app = written ?? (await deps.repo.get(item.applicationId));
  const entry = app?.decisions?.find((d) => d.submissionSeq === item.submissionSeq && d.level === item.level);
  if (!app || !entry || app.submission?.seq !== item.submissionSeq) {
    await deps.repo.completeOutbox(item);
    return 'obsolete' as const;
  }
  if ((app.submission?.redrive?.level ?? 0) > item.level) {
    // A re-driven execution started past this level: the decision is part of the state it started from.
    await deps.repo.completeOutbox(item);
    return 'obsolete' as const;
  }
  const token = app.taskToken;
  if (!token || token.submissionSeq !== item.submissionSeq || token.level !== item.level)
    return 'waiting-for-token' as const;
  const result = await deps.workflow.sendTaskSuccess(token.token, decisionOutput(entry, app));
  // 'gone': the task waits no more. Settled only once the workflow is known to have moved on (or was
  // re-driven from the recorded state); a lost execution must not take the decision with it.
  if (result === 'gone' && !(await onGone?.(app))) return result;
  await deps.repo.completeOutbox(item);
  return result;
}
