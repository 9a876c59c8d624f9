import { documentAnchors } from '../domain/application-trail.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { ConflictError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import { StaleReadError } from '../lib/retry.ts';
import type { ApplicationStore } from '../ports/application-store.ts';
import {
  type ApplicationRecord,
  type DecisionEntry,
  DOCUMENT_TYPES,
  type DocumentRecord,
} from '../ports/applications.ts';
import type { Outbox } from '../ports/outbox.ts';
import type { Workflow } from '../ports/workflow.ts';
import type { ApplicationDeps } from './applications.ts';
import { documentsToReplace } from './documents.ts';
import { executionInput } from './redrive.ts';
import { applying } from './transition.ts';

/**
 * What the approval use cases share (submit-application, decide-application, record-task-token,
 * reconcile, escalate-overdue, record-workflow-fault): their deps and the steps several take.
 */

export interface ApprovalDeps extends ApplicationDeps {
  workflow: Workflow;
}

export { executionName } from '../domain/lifecycle.ts';

/**
 * A submission or decision records the evidence set it read: it is written only if the application is
 * still as read and so are its documents; otherwise it is read and decided again (retryOnStaleRead).
 * Document changes are on the documents' own chains: a change that can alter an evidence set once it
 * is uploaded (a review, an object that changed) moves the application's docsVersion; an upload
 * enters the materials only while no submission is closing them (DocumentStore.closeMaterials: the
 * submission marks before it reads them and commits under its mark, UpdateOptions.freezeMaterials).
 */
export function assertSameRead(read: ApplicationRecord, current: ApplicationRecord) {
  if (current.auditSeq !== read.auditSeq || current.docsVersion !== read.docsVersion) {
    throw new StaleReadError();
  }
}

export async function startExecution(
  deps: { repo: Pick<Outbox, 'completeOutbox'>; workflow: Pick<Workflow, 'start'> },
  app: ApplicationRecord,
): Promise<void> {
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
export function assertComplete(evidence: DocumentRecord[], docs: DocumentRecord[], advice: string) {
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

/** The transition with the head of every document chain read (`documentChains`) in its audit entry. */
export function anchoring<T extends { audit: { detail?: Record<string, unknown> } }>(
  t: T,
  docs: Parameters<typeof documentAnchors>[0],
): T {
  return {
    ...t,
    audit: { ...t.audit, detail: { ...t.audit.detail, documentChains: documentAnchors(docs) } },
  };
}

/** Writes a workflow note; its refusal is the answer `{ [key]: false }`, not an error (see above). */
export async function noted<K extends string>(
  deps: { repo: Pick<ApplicationStore, 'update'> },
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
