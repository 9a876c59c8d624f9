import { isInFlight } from '../domain/lifecycle.ts';
import { logger } from '../lib/logger.ts';
import type { ApplicationRecord, WorkflowAlarm } from '../ports/applications.ts';
import type { ExecutionStatus, Workflow } from '../ports/workflow.ts';
import type { ApplicationDeps } from './applications.ts';
import { packageIdOf } from './payouts.ts';

/**
 * Nothing stuck silently (在途案件不得无声停滞). A case in `pending_approval` or `awaiting_payout` needs a
 * live workflow execution; a document still `pending` needs its S3 event. Both can be lost: the local
 * engine keeps executions in memory only, an execution can fail, abort or time out, an S3 event can
 * go missing. The sweeps here find such work on the sparse in-flight index (gsi4), bounded per run and
 * resumable, and re-drive it from what the table recorded:
 * - a workflow restarts at the level the application waits at (decisions already recorded are not
 *   asked again; an `awaiting_payout` case restarts at its final, approved level, whose recorded
 *   decision the token task answers at once, so the same package — same `packageId` — goes out again);
 * - a pending document is settled through the very use case the S3 ObjectCreated handler runs.
 * Every re-drive is on the application's audit trail (`workflow.redriven`). What cannot be re-driven
 * (a state the sweep does not understand, or executions that keep ending) raises an operator alarm:
 * a flag on the application (`workflowAlarm`), an audit entry and the log line `workflow.stuck`,
 * which a metric filter counts and a CloudWatch alarm watches (infra/stacks/stateless-stack.ts).
 */
export interface RedriveDeps extends ApplicationDeps {
  workflow: Workflow;
}

/** Re-drives of executions that had ended (failed, aborted, timed out) before the alarm is raised instead. */
export const MAX_FAILED_REDRIVES = 3;
/** Failed attempts to start a re-driven execution before the alarm is raised instead. */
export const MAX_START_FAILURES = 12;
/** Log line (Powertools `message`) of an operator alarm; functions/tasks/specs.ts WORKFLOW_STUCK_MESSAGE names the same text. */
export const WORKFLOW_STUCK = 'workflow.stuck';

const SYSTEM_ACTOR = (court: string) => ({ sub: 'system:redrive', court, roles: [] as never[] });

export function redriveExecutionName(applicationId: string, submissionSeq: number, n: number): string {
  return `${applicationId}-s${submissionSeq}-r${n}`;
}

/** The input of the submission's current execution: it starts at level 0, a re-driven one where it was re-driven. */
export function executionInput(app: ApplicationRecord) {
  const submission = app.submission;
  return {
    applicationId: app.id,
    submissionSeq: submission?.seq ?? 0,
    level: submission?.redrive?.level ?? 0,
  };
}

/** Why the recorded state cannot be re-driven, or undefined when it can (at `app.level`). */
function notUnderstood(app: ApplicationRecord): string | undefined {
  const submission = app.submission;
  const level = app.level;
  if (!submission || typeof level !== 'number' || !Number.isInteger(level)) return 'NO_RECORDED_LEVEL';
  if (level < 0 || level >= app.route.length) return 'LEVEL_OUT_OF_ROUTE';
  if (app.status === 'pending_approval') {
    if (app.pendingAt !== app.route[level]) return 'PENDING_AT_MISMATCH';
    return undefined;
  }
  const approved = (app.decisions ?? []).some(
    (d) => d.submissionSeq === submission.seq && d.level === level && d.outcome === 'approved',
  );
  if (!approved) return 'NO_FINAL_APPROVAL';
  if (app.quotaReservation?.state !== 'reserved') return 'NO_QUOTA_RESERVATION';
  return undefined;
}

export type EnsureOutcome =
  | 'not-in-flight'
  | 'running'
  | 'restarted'
  | 'redriven'
  | 'alarm-raised'
  | 'alarmed-before'
  | 'held'
  | 'start-failed'
  | 'moved-on';

class MovedOn extends Error {}

type Found = { status: ExecutionStatus; error?: string };

/**
 * Makes sure the application's current workflow is alive: nothing to do when it is not in flight or
 * its execution runs; otherwise re-drives it (or raises the alarm). `trigger` says who noticed.
 */
export async function ensureWorkflow(
  deps: RedriveDeps,
  app: ApplicationRecord,
  trigger: 'sweep' | 'undelivered-decision',
): Promise<EnsureOutcome> {
  const submission = app.submission;
  if (!isInFlight(app.status) || !submission) return 'not-in-flight';
  if (app.workflowAlarm?.submissionSeq === submission.seq) return 'alarmed-before';
  // Disbursement withheld the package (an approved object no longer matches): the execution ended on
  // purpose and waits for an operator (README, Operate: integrity holds), never for a re-drive.
  if (app.status === 'awaiting_payout' && app.integrityHold) return 'held';
  const found: Found = await deps.workflow.describe(submission.executionName);
  if (found.status === 'RUNNING') return 'running';
  const problem = notUnderstood(app);
  if (problem) return raiseAlarm(deps, app, found, problem);
  const level = app.level as number;
  const prior = submission.redrive;
  // An execution that ended while the case is in flight gets a new name (AWS keeps closed names); a
  // missing one (never started, or lost with the engine's memory) is started again under its own.
  const ended = found.status !== 'MISSING';
  const failures = (prior?.failures ?? 0) + (ended ? 1 : 0);
  if (failures > MAX_FAILED_REDRIVES) return raiseAlarm(deps, app, found, 'REDRIVE_LIMIT_REACHED');
  const name = ended ? redriveExecutionName(app.id, submission.seq, failures) : submission.executionName;
  const at = deps.now().toISOString();
  let stored: ApplicationRecord;
  try {
    // Recorded before the start: the new execution's tasks check that they belong to the current one.
    stored = await deps.repo.update(app.id, (current) => {
      const sub = current.submission;
      if (
        !sub ||
        sub.seq !== submission.seq ||
        sub.executionName !== submission.executionName ||
        (sub.redrive?.count ?? 0) !== (prior?.count ?? 0) ||
        current.status !== app.status ||
        current.level !== app.level
      ) {
        throw new MovedOn();
      }
      return {
        next: {
          ...current,
          // The old execution's token is dead either way; the new execution records its own.
          taskToken: null,
          submission: {
            ...sub,
            executionName: name,
            redrive: {
              ...(sub.redrive ?? {}),
              count: (sub.redrive?.count ?? 0) + 1,
              failures,
              level,
              at,
            },
          },
        },
        audit: {
          actor: SYSTEM_ACTOR(current.pendingAt ?? current.courtCode),
          action: 'workflow.redriven',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {
            submissionSeq: sub.seq,
            trigger,
            found: { execution: sub.executionName, status: found.status, ...errorOf(found) },
            execution: name,
            level,
            ...(current.pendingAt ? { pendingAt: current.pendingAt } : {}),
            ...(current.status === 'awaiting_payout'
              ? { packageId: current.payout?.packageId ?? packageIdOf(current.id, sub.seq) }
              : {}),
          },
        },
      };
    });
  } catch (error) {
    if (error instanceof MovedOn) return 'moved-on';
    throw error;
  }
  try {
    await deps.workflow.start(name, executionInput(stored));
  } catch (error) {
    return startFailed(deps, stored, error as Error);
  }
  logger.info('workflow redriven', {
    applicationId: app.id,
    submissionSeq: submission.seq,
    executionStatus: found.status,
    routeLevel: level,
    trigger,
  });
  return ended ? 'redriven' : 'restarted';
}

function errorOf(found: Found) {
  return found.error ? { error: found.error.slice(0, 200) } : {};
}

/** The re-drive was recorded but its execution did not start: on the trail, retried next run, then the alarm. */
async function startFailed(deps: RedriveDeps, app: ApplicationRecord, error: Error): Promise<EnsureOutcome> {
  const submission = app.submission;
  if (!submission) return 'moved-on';
  logger.warn('workflow redrive start failed', { applicationId: app.id, errorName: error.name });
  const attempts = (submission.redrive?.startFailures ?? 0) + 1;
  if (attempts >= MAX_START_FAILURES) {
    return raiseAlarm(deps, app, { status: 'MISSING', error: error.name }, 'REDRIVE_START_FAILING');
  }
  await deps.repo
    .update(app.id, (current) => {
      const sub = current.submission;
      if (!sub || sub.seq !== submission.seq || sub.executionName !== submission.executionName)
        throw new MovedOn();
      return {
        next: {
          ...current,
          submission: {
            ...sub,
            redrive: {
              count: 0,
              failures: 0,
              level: current.level ?? 0,
              at: '',
              ...sub.redrive,
              startFailures: attempts,
            },
          },
        },
        audit: {
          actor: SYSTEM_ACTOR(current.pendingAt ?? current.courtCode),
          action: 'workflow.redrive-failed',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {
            submissionSeq: sub.seq,
            execution: sub.executionName,
            error: error.name.slice(0, 100),
            attempts,
          },
        },
      };
    })
    .catch((e) => {
      if (!(e instanceof MovedOn)) throw e;
    });
  return 'start-failed';
}

/** Flags the application for an operator, puts it on the trail and logs the line the alarm counts. */
async function raiseAlarm(
  deps: RedriveDeps,
  app: ApplicationRecord,
  found: Found,
  code: string,
): Promise<EnsureOutcome> {
  const submission = app.submission;
  const alarm: WorkflowAlarm = {
    submissionSeq: submission?.seq ?? 0,
    code,
    found: { execution: found.status, status: app.status, level: app.level ?? null },
    executionName: submission?.executionName ?? '',
    at: deps.now().toISOString(),
  };
  try {
    await deps.repo.update(app.id, (current) => {
      if (
        current.submission?.seq !== submission?.seq ||
        current.submission?.executionName !== submission?.executionName ||
        current.status !== app.status ||
        current.workflowAlarm?.submissionSeq === alarm.submissionSeq
      ) {
        throw new MovedOn();
      }
      return {
        next: { ...current, workflowAlarm: alarm },
        audit: {
          actor: SYSTEM_ACTOR(current.pendingAt ?? current.courtCode),
          action: 'workflow.alarm',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {
            submissionSeq: alarm.submissionSeq,
            code,
            execution: alarm.executionName,
            found: { status: found.status, ...errorOf(found) },
            level: alarm.found.level,
          },
        },
      };
    });
  } catch (error) {
    if (error instanceof MovedOn) return 'moved-on';
    throw error;
  }
  logger.error(WORKFLOW_STUCK, {
    applicationId: app.id,
    submissionSeq: alarm.submissionSeq,
    code,
    executionStatus: found.status,
    applicationStatus: app.status,
  });
  return 'alarm-raised';
}

export interface SweepOptions {
  /** Items examined per run (default 100): a run is bounded, the next resumes where it stopped. */
  limit?: number;
  /** Only work untouched for this long (default 60 s), so nothing races a follow-up under way. */
  quietSeconds?: number;
  /** Begin a new pass instead of resuming the stored one (the local runner's start-up pass). */
  fromStart?: boolean;
  /** Only work untouched since this instant (ISO 8601), instead of `quietSeconds` before now. */
  changedBefore?: string;
}

export interface SweepResult {
  examined: number;
  /** The run reached the end of the index: the next one starts a new pass. */
  passComplete: boolean;
  outcomes: Record<string, number>;
}

export const count = (outcomes: Record<string, number>, key: string) => {
  outcomes[key] = (outcomes[key] ?? 0) + 1;
};

/** Past this age a pending document's upload grant (≤ 15 min) has long expired: nothing can land any more. */
export const UPLOAD_ABANDONED_AFTER_SECONDS = 2 * 3600;
