import { documentAnchors } from '../domain/application-trail.ts';
import { ApprovalRuleError, type DecisionKind } from '../domain/approval.ts';
import { isInHandlingWindow, shanghaiDate } from '../domain/campaigns.ts';
import { evaluateEligibility } from '../domain/eligibility.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { currentCorrelationId, underRecordedCorrelationId } from '../lib/correlation.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import { outboxRetryAt, retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type DecisionEntry,
  DOCUMENT_TYPES,
  type DocumentRecord,
  handoffDueAt,
  type OutboxHandoff,
  type OutboxItem,
  QuotaExceededError,
  VersionConflictError,
} from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import type { Workflow } from '../ports/workflow.ts';
import { type ApplicationDeps, forClerk, hasRole, routingOf, visibleTo } from './applications.ts';
import { documentsToReplace, evidenceOf, evidenceSet } from './documents.ts';
import { deliverPayout } from './payouts.ts';
import { ensureWorkflow, executionInput } from './redrive.ts';
import { applying, refusing } from './transition.ts';

export interface ApprovalDeps extends ApplicationDeps {
  workflow: Workflow;
}

export { executionName } from '../domain/lifecycle.ts';

export interface SubmitInput {
  approvalForm: { reviewOpinion: string; reviewedBy: string };
}

export type SubmitResult = { status: number; body: ReturnType<typeof submittedView> };

function submittedView(app: ApplicationRecord) {
  return {
    id: app.id,
    status: app.status,
    pendingAt: app.pendingAt,
    submissionSeq: app.submission?.seq ?? null,
  };
}

/**
 * A submission or decision records the evidence set it read: it is written only if the application is
 * still as read and so are its documents; otherwise it is read and decided again (retryOnStaleRead).
 * Document changes are on the documents' own chains: a change that can alter an evidence set once it
 * is uploaded (a review, an object that changed) moves the application's docsVersion; an upload that
 * enters the materials moves its type's slot, which the submission freezes (UpdateOptions.freezeMaterials).
 */
function assertSameRead(read: ApplicationRecord, current: ApplicationRecord) {
  if (current.auditSeq !== read.auditSeq || current.docsVersion !== read.docsVersion) {
    throw new StaleReadError();
  }
}

/**
 * 提交审批: the executing court's clerk submits a reviewed application. Only in the handling window,
 * only when still eligible and all six document types are uploaded. The state change and an outbox
 * item to start the execution are written together; the execution name is derived from the
 * submission, so however often this is retried there is one execution per submission. From here
 * the materials are frozen; the submission records its evidence set (a resubmission starts a new one).
 */
export function submitApplication(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  input: SubmitInput,
  idempotency?: IdempotentWrite<SubmitResult>,
): Promise<SubmitResult> {
  return retryOnStaleRead('submitting', () => submitOnce(deps, principal, id, input, idempotency));
}

async function submitOnce(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  input: SubmitInput,
  idempotency?: IdempotentWrite<SubmitResult>,
): Promise<SubmitResult> {
  // The application and its materials (documents, slots) in one read.
  const { app: read, documents: docs, slots } = await deps.repo.getWithMaterials(id);
  const app = forClerk(principal, read);
  if (app.status === 'pending_approval' && app.submission) {
    // A retry of a submission that went through: make sure its execution exists, answer the same.
    await startExecution(deps, app);
    return { status: 202, body: submittedView(app) };
  }
  refusing(() => lifecycle.submit.guard(app));
  // The campaign as it is now, not a container's cached copy: submission re-checks eligibility
  // against the current limits and window (once per case).
  const campaign = await deps.campaigns.get(app.campaignId, { consistent: true });
  const now = deps.now();
  if (!campaign || !isInHandlingWindow(campaign, now)) {
    throw new ConflictError(
      'OUTSIDE_HANDLING_WINDOW',
      'Submission for approval is possible only in the campaign’s handling phase (办理阶段).',
    );
  }
  const courts = await deps.courts.registry();
  const court = courts.get(app.courtCode);
  if (!court) throw new NotFoundError();
  // The route is fixed at the first submission (from the registry as it is now) and kept for every
  // later one: a court moved afterwards never changes where an already submitted application goes.
  const routing = app.submission ? undefined : routingOf(courts, app.courtCode);
  const eligibility = evaluateEligibility(app, {
    campaign,
    executingCourt: court,
    today: shanghaiDate(now),
    applicationCreatedAt: app.createdAt,
  });
  if (!eligibility.eligible) {
    throw new UnprocessableError('INELIGIBLE', 'The application no longer meets the relief conditions.', {
      errors: eligibility.failures.map((f) => ({
        code: f.code,
        path: f.path,
        message: f.message,
        messageZh: f.messageZh,
      })),
    });
  }
  const evidence = evidenceSet(docs);
  assertComplete(evidence, docs, 'Upload first');
  const documents = evidenceOf(evidence);
  let stored: ApplicationRecord;
  try {
    stored = await deps.repo.update(
      id,
      ...applying(
        (current) => {
          const t = lifecycle.submit(
            current,
            {
              actor: principal,
              ...input,
              eligibility,
              routing,
              documents,
              correlationId: currentCorrelationId(),
            },
            now,
          );
          assertSameRead(app, current);
          // The head of every document chain it freezes: the application chain commits to them.
          return anchoring(t, docs);
        },
        (current) => ({
          expectedVersion: undefined,
          freezeMaterials: { slots, freezeSeq: (current.submission?.seq ?? 0) + 1 },
          idempotency: idempotentVia(idempotency, (submitted: ApplicationRecord) => ({
            status: 202,
            body: submittedView(submitted),
          })),
        }),
      ),
    );
  } catch (error) {
    if (error instanceof VersionConflictError) {
      throw new ConflictError(
        'VERSION_CONFLICT',
        'The application changed while submitting; reload and retry.',
      );
    }
    throw error;
  }
  await startExecution(deps, stored).catch((error: Error) => {
    // The outbox item stays; the reconciler starts the execution. The submission itself is recorded.
    logger.warn('execution start deferred', { applicationId: id, errorName: error.name });
  });
  return { status: 202, body: submittedView(stored) };
}

async function startExecution(deps: ApprovalDeps, app: ApplicationRecord): Promise<void> {
  const submission = app.submission;
  if (!submission) return;
  await deps.workflow.start(submission.executionName, executionInput(app));
  await deps.repo.completeOutbox({
    kind: 'start-execution',
    applicationId: app.id,
    submissionSeq: submission.seq,
    createdAt: submission.submittedAt,
  });
}

export interface DecisionInput {
  decision: DecisionKind;
  comment: string;
}

export interface DecisionResult {
  status: ApplicationStatus;
  pendingAt: string | null;
  decision: DecisionEntry;
}

/** What the workflow receives for a level's decision. */
export function decisionOutput(entry: DecisionEntry, next: ApplicationRecord) {
  return {
    outcome: entry.outcome,
    decidedLevel: entry.level,
    nextLevel: next.level ?? entry.level,
    court: entry.court,
  };
}

/**
 * 422 MATERIALS_INCOMPLETE unless the evidence set holds every required document type; a type
 * blocked by a scan rejected in review is named with DOCUMENT_REJECTED, its document id and reason.
 */
function assertComplete(evidence: DocumentRecord[], docs: DocumentRecord[], advice: string) {
  const missing = DOCUMENT_TYPES.filter((t) => !evidence.some((d) => d.type === t));
  if (missing.length > 0) {
    const rejected = new Map(documentsToReplace(docs).map((d) => [d.type, d]));
    throw new UnprocessableError('MATERIALS_INCOMPLETE', `${advice}: ${missing.join(', ')}.`, {
      errors: missing.map((t) => {
        const r = rejected.get(t);
        return r
          ? {
              code: 'DOCUMENT_REJECTED',
              path: `documents.${t}`,
              message: `Document ${r.documentId} (${t}) was rejected in review: ${r.reason}. Upload another ${t} document.`,
            }
          : { code: 'DOCUMENT_MISSING', path: `documents.${t}`, message: `No uploaded ${t} document.` };
      }),
    });
  }
}

/**
 * 审批: an approver of the court where the application waits decides. The decision, the new status,
 * the audit entry, the quota reservation (final approval) and an outbox item to notify the
 * workflow are one transaction; the task token is then sent, and the reconciler resends it after a
 * crash. A second decision on the same level is 409. Each decision records the evidence set it saw
 * (id, type and SHA-256 of each document); an approval needs a complete one (a document rejected
 * meanwhile, e.g. because its object changed, must be replaced through a return).
 */
export function decideApplication(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  input: DecisionInput,
  idempotency?: IdempotentWrite<DecisionResult>,
  opts: {
    /**
     * The application as the caller read it consistently (a batch reads all its items at once; null:
     * that read found none): the first attempt starts from it instead of reading again; a retry, and a
     * refusal, read again.
     */
    read?: ApplicationRecord | null;
  } = {},
): Promise<DecisionResult> {
  const fresh = () => retryOnStaleRead('deciding', () => decideOnce(deps, principal, id, input, idempotency));
  if (opts.read === undefined) return fresh();
  let read: { app: ApplicationRecord | undefined } | undefined = { app: opts.read ?? undefined };
  return retryOnStaleRead('deciding', () => {
    const first = read;
    read = undefined;
    return decideOnce(deps, principal, id, input, idempotency, first);
  }).catch((error) => {
    // A refusal judged on the caller's earlier read (not pending here any more, not found…) is judged
    // again on a fresh one: the answer is the application's as it stands, as for a single decision.
    // (QUOTA_EXCEEDED is the write's own condition, never the read's: it stands.)
    if (error instanceof AppError && error.code !== 'QUOTA_EXCEEDED') return fresh();
    throw error;
  });
}

async function decideOnce(
  deps: ApprovalDeps,
  principal: Principal,
  id: string,
  input: DecisionInput,
  idempotency?: IdempotentWrite<DecisionResult>,
  read?: { app: ApplicationRecord | undefined },
): Promise<DecisionResult> {
  // Without the caller's read: the application and its documents in one read.
  const together = read ? undefined : await deps.repo.getWithMaterials(id);
  const app = visibleTo(principal, read ? read.app : together?.app);
  if (!hasRole(principal, 'approver')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an approver may decide.');
  }
  const check = (current: ApplicationRecord) => refusing(() => lifecycle.decide.guard(current, principal));
  check(app);
  const docs = together?.documents ?? (await deps.repo.listDocuments(id));
  const evidence = evidenceSet(docs);
  if (input.decision === 'approve') assertComplete(evidence, docs, 'Return the application for');
  const documents = evidenceOf(evidence);
  // A return names the scans rejected in review, so the clerk knows what to replace.
  const toReplace = input.decision === 'return' ? documentsToReplace(docs) : [];
  const now = deps.now();
  const at = now.toISOString();
  let entry: DecisionEntry | undefined;
  let stored: ApplicationRecord;
  try {
    stored = await deps.repo.update(
      id,
      ...applying(
        (current) => {
          const t = lifecycle.decide(current, { actor: principal, ...input, documents, toReplace }, now);
          assertSameRead(app, current);
          entry = t.entry;
          return anchoring(t, docs);
        },
        // `entry` is the decision the mutation above just recorded in this same attempt; the outbox
        // item carries the hand-off when the level's token is already recorded (handOff, after the response).
        (current, t) => ({
          outbox: (t.effects.outbox ?? []).map((item) => ({
            ...item,
            ...decisionHandoff(current, t.entry.level, decisionOutput(t.entry, t.next), at),
          })),
          idempotency: idempotentVia(idempotency, (decided: ApplicationRecord) => ({
            status: decided.status,
            pendingAt: decided.pendingAt,
            decision: entry as DecisionEntry,
          })),
        }),
      ),
    );
  } catch (error) {
    if (error instanceof ApprovalRuleError) {
      throw new UnprocessableError(error.code, error.message, {
        errors: [{ code: error.code, path: 'comment', message: error.message }],
      });
    }
    if (error instanceof QuotaExceededError) {
      throw new ConflictError(
        'QUOTA_EXCEEDED',
        'The high court’s remaining quota cannot cover this relief amount; nothing was changed.',
      );
    }
    if (error instanceof VersionConflictError) {
      throw new ConflictError(
        'VERSION_CONFLICT',
        'The application changed while deciding; reload and retry.',
      );
    }
    throw error;
  }
  // The hand-off to the workflow follows the response: the outbox item written with the decision is
  // delivered from the table's stream (handOff), the reconcile sweep being the backstop.
  const decided = entry as DecisionEntry;
  return { status: stored.status, pendingAt: stored.pendingAt, decision: decided };
}

/** The transition with the head of every document chain read (`documentChains`) in its audit entry. */
function anchoring<T extends { audit: { detail?: Record<string, unknown> } }>(
  t: T,
  docs: Parameters<typeof documentAnchors>[0],
): T {
  return {
    ...t,
    audit: { ...t.audit, detail: { ...t.audit.detail, documentChains: documentAnchors(docs) } },
  };
}

/**
 * The hand-off a decision's outbox item carries when its level's token is already recorded (and not
 * re-driven past), with `dueAt` moved so the reconcile sweep leaves it to the stream for a while.
 */
function decisionHandoff(
  current: ApplicationRecord,
  level: number,
  output: ReturnType<typeof decisionOutput>,
  at: string,
): { handoff: OutboxHandoff; dueAt: string } | Record<string, never> {
  const token = current.taskToken;
  const seq = current.submission?.seq ?? 0;
  if (!token || token.submissionSeq !== seq || token.level !== level) return {};
  if ((current.submission?.redrive?.level ?? 0) > level) return {};
  return { handoff: { token: token.token, output }, dueAt: handoffDueAt(at) };
}

/**
 * The hand-off after the response: the table's stream delivers each new outbox item that carries a
 * hand-off (functions/entries/tasks/hand-off.ts; locally the runner's emulation, in order per
 * application). Sends the token the transaction recorded and completes the item. A token gone, a
 * failure or an item without a hand-off stays for the token's own task or the reconcile sweep, which
 * reads the application and decides (a decision whose token is gone is settled only once the workflow
 * is known to carry on).
 */
export async function handOff(
  deps: Pick<ApprovalDeps, 'repo' | 'workflow'>,
  item: OutboxItem,
): Promise<'sent' | 'gone' | 'left'> {
  if (item.kind === 'start-execution' || !item.handoff) return 'left';
  const result = await deps.workflow.sendTaskSuccess(item.handoff.token, item.handoff.output);
  // A payout's token gone: its task waits no more (deliverPayout settles it the same way).
  if (result === 'gone' && item.kind === 'deliver-decision') return 'gone';
  await deps.repo.completeOutbox(item);
  return result;
}

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

/** The reconciler's answer to a 'gone' token: true once the workflow runs (moved on, or re-driven). */
async function workflowCarriesOn(deps: ApprovalDeps, app: ApplicationRecord): Promise<boolean> {
  const outcome = await ensureWorkflow(deps, app, 'undelivered-decision');
  return ['not-in-flight', 'running', 'restarted', 'redriven'].includes(outcome);
}

export class SupersededError extends Error {
  override name = 'Superseded';
}

/**
 * The `.waitForTaskToken` task of a level: records the token on the application. When the level's
 * decision was recorded before the token arrived, answers the token at once.
 */
export async function recordTaskToken(
  deps: ApprovalDeps,
  input: {
    applicationId: string;
    submissionSeq: number;
    level: number;
    taskToken: string;
    /** The execution asking; one that is not the submission's current execution (re-driven since) ends. */
    executionName?: string;
  },
) {
  const token = { submissionSeq: input.submissionSeq, level: input.level, token: input.taskToken };
  const { outcome, app } = await deps.repo.recordTaskToken(input.applicationId, token, input.executionName);
  if (!app) throw new SupersededError('The submission was superseded.');
  // The application as the store left it: the token recorded, or as it stood when it was not.
  const { effects } = supersededOn(() =>
    lifecycle.recordTaskToken(app, { ...token, executionName: input.executionName }),
  );
  if (effects.answer) {
    await deps.workflow.sendTaskSuccess(effects.answer.token, decisionOutput(effects.answer.decision, app));
    await deps.repo.completeOutbox(effects.answer.outbox);
    return { recorded: outcome, answered: true };
  }
  if (outcome !== 'recorded') throw new SupersededError('The application no longer waits at this level.');
  return { recorded: outcome, answered: false };
}

/** A refused workflow note ends its execution as superseded (the state machine's `Superseded` catch). */
function supersededOn<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof lifecycle.LifecycleRefusal) throw new SupersededError(error.message);
    throw error;
  }
}

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

/**
 * The workflow escalates a level that left the application waiting too long: audit + counter
 * (domain/lifecycle.ts `escalate`). An escalation the application no longer waits for (another
 * submission's execution, or nothing in flight) writes nothing: `{ escalated: false }`, and the
 * execution goes on to its next task, which ends it.
 */
export async function escalateOverdue(
  deps: ApplicationDeps,
  input: { applicationId: string; submissionSeq: number; reason: string },
) {
  return noted(deps, input.applicationId, (current) => lifecycle.escalate(current, input), 'escalated');
}

/**
 * Makes a workflow fault visible on the application's trail before the execution fails
 * (domain/lifecycle.ts `recordWorkflowFault`); a fault of another submission's execution writes nothing.
 */
export async function recordWorkflowFault(
  deps: ApplicationDeps,
  input: { applicationId: string; submissionSeq: number; error: unknown },
) {
  return noted(
    deps,
    input.applicationId,
    (current) => lifecycle.recordWorkflowFault(current, input),
    'recorded',
  );
}

/** Writes a workflow note; its refusal is the answer `{ [key]: false }`, not an error (see above). */
async function noted<K extends string>(
  deps: ApplicationDeps,
  id: string,
  step: (current: ApplicationRecord) => lifecycle.Transition,
  key: K,
): Promise<Record<K, boolean>> {
  let refusal: lifecycle.LifecycleRefusal | undefined;
  const [mutate, options] = applying((current) => {
    refusal = undefined;
    try {
      return step(current);
    } catch (error) {
      if (error instanceof lifecycle.LifecycleRefusal) refusal = error;
      throw error;
    }
  });
  try {
    await deps.repo.update(id, mutate, options);
  } catch (error) {
    if (!refusal || !(error instanceof ConflictError) || error.code !== refusal.code) throw error;
    logger.info('workflow note not written', { applicationId: id, note: key, code: refusal.code });
    return { [key]: false } as Record<K, boolean>;
  }
  return { [key]: true } as Record<K, boolean>;
}
