/**
 * The approver's queue (待审批): since when an application has waited at the court it is pending at,
 * and whether that is past the level's time limit. Pure: no I/O.
 */

/**
 * Every level has 14 days to decide: the workflow's AwaitDecision state times out after exactly this
 * long and escalates (statemachines/relief-approval.asl.json, TimeoutSeconds 1209600).
 */
export const DECISION_TIME_LIMIT_MS = 14 * 24 * 60 * 60 * 1000;

/** The parts of an application the queue reads (structurally the application record). */
export interface QueuedApplication {
  status: string;
  pendingAt: string | null;
  submission?: { seq: number; submittedAt: string } | null;
  decisions?: readonly { submissionSeq: number; decidedAt: string }[];
}

/**
 * When the application arrived at the court it waits at: the latest decision of its current
 * submission (the level below passed it up), else the submission itself. Null unless it is pending.
 */
export function waitingSince(app: QueuedApplication): string | null {
  if (app.status !== 'pending_approval' || !app.pendingAt || !app.submission) return null;
  const seq = app.submission.seq;
  let since = app.submission.submittedAt;
  for (const d of app.decisions ?? [])
    if (d.submissionSeq === seq && d.decidedAt > since) since = d.decidedAt;
  return since;
}

/** Past the level's time limit (DECISION_TIME_LIMIT_MS) at `now`. */
export function isOverdue(since: string, now: Date): boolean {
  return now.getTime() - Date.parse(since) > DECISION_TIME_LIMIT_MS;
}
