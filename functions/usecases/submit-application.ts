import { isInHandlingWindow, shanghaiDate } from '../domain/campaigns.ts';
import { evaluateEligibility } from '../domain/eligibility.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { currentCorrelationId } from '../lib/correlation.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import { retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import { type ApplicationRecord, type DocumentRecord, VersionConflictError } from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { forClerk, routingOf } from './applications.ts';
import {
  type ApprovalDeps,
  anchoring,
  assertComplete,
  assertSameRead,
  startExecution,
} from './approval-steps.ts';
import { evidenceOf, evidenceSet } from './documents.ts';
import { applying, refusing } from './transition.ts';

export interface SubmitInput {
  approvalForm: { reviewOpinion: string; reviewedBy: string };
}

/** The submission as it stands (the route answers it with 202: the approval runs on in the workflow). */
export type SubmitResult = ReturnType<typeof submittedView>;

function submittedView(app: ApplicationRecord) {
  return {
    id: app.id,
    status: app.status,
    pendingAt: app.pendingAt,
    submissionSeq: app.submission?.seq ?? null,
  };
}

/**
 * 提交审批: the executing court's clerk submits a reviewed application. Only in the handling window,
 * only when still eligible and all six document types are uploaded. The state change and an outbox
 * item to start the execution are written together; the execution name is derived from the
 * submission, so however often this is retried there is one execution per submission. From here
 * the materials are frozen; the submission records its evidence set (a resubmission starts a new one).
 * It marks the application before it reads the materials (closeMaterials) and commits under its
 * mark: an upload that enters them after the read takes the mark away, and the submission reads again;
 * refused, it takes its mark back.
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
  // The application as marked, and its documents read after the mark (see submitApplication).
  const { app: read, documents: docs, closing } = await deps.repo.closeMaterials(id, principal.court);
  try {
    return await submitMarked(deps, principal, read, docs, closing, input, idempotency);
  } catch (error) {
    // Refused (or to be read again): nothing of it stays written. A mark left behind holds nothing
    // (the next upload takes it).
    if (closing !== undefined) {
      await deps.repo.reopenMaterials(id, closing).catch((failed: Error) => {
        logger.warn('materials mark left behind', { applicationId: id, errorName: failed.name });
      });
    }
    throw error;
  }
}

async function submitMarked(
  deps: ApprovalDeps,
  principal: Principal,
  read: ApplicationRecord | undefined,
  docs: DocumentRecord[],
  closing: string | undefined,
  input: SubmitInput,
  idempotency?: IdempotentWrite<SubmitResult>,
): Promise<SubmitResult> {
  const app = forClerk(principal, read);
  const id = app.id;
  if (app.status === 'pending_approval' && app.submission) {
    // A retry of a submission that went through: make sure its execution exists, answer the same.
    await startExecution(deps, app);
    return submittedView(app);
  }
  refusing(() => lifecycle.submit.guard(app));
  // With the clerk of its court, yet not marked: it changed between the two; read again.
  if (closing === undefined) throw new StaleReadError();
  // The campaign as it is now, not a container's cached copy: submission re-checks eligibility
  // against the current limits and window (once per case). A limit the SPC lowered a moment ago in
  // another container must refuse the submission at once (test/e2e/campaigns.test.ts): the cache's
  // 30 s would let it through.
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
        () => ({
          expectedVersion: undefined,
          freezeMaterials: { closing },
          idempotency: idempotentVia(idempotency, (submitted: ApplicationRecord) => submittedView(submitted)),
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
  return submittedView(stored);
}
