import { ApprovalRuleError, type DecisionKind } from '../domain/approval.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { AppError, ConflictError, ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import { retryOnStaleRead } from '../lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type DecisionEntry,
  handoffDueAt,
  type OutboxHandoff,
  QuotaExceededError,
  VersionConflictError,
} from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { hasRole, visibleTo } from './applications.ts';
import {
  type ApprovalDeps,
  anchoring,
  assertComplete,
  assertSameRead,
  decisionOutput,
} from './approval-steps.ts';
import { documentsToReplace, evidenceOf, evidenceSet } from './documents.ts';
import { applying, refusing } from './transition.ts';

export interface DecisionInput {
  decision: DecisionKind;
  comment: string;
}

export interface DecisionResult {
  status: ApplicationStatus;
  pendingAt: string | null;
  decision: DecisionEntry;
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
