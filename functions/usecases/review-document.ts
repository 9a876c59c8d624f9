import type { Principal } from '../lib/auth.ts';
import { ConcurrentUpdateError, ConflictError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { backoffMs, CONFLICT_RETRY, sleep } from '../lib/retry.ts';
import type { DocumentRecord, DocumentReview } from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadVisible } from './applications.ts';
import { reviewerRole } from './documents.ts';

export interface ReviewDocumentInput {
  verdict: 'accepted' | 'rejected';
  reason: string;
}

/**
 * 材料审查: a person accepts or rejects one uploaded scan. A rejection needs a reason; the document
 * becomes `rejected` (with the reviewer's reason) and blocks its type at submission and approval
 * until another of its type is uploaded (see evidenceSet). An approver who rejects one must then
 * return the application (approval is refused while a rejected document blocks); the return lists
 * the documents to replace. Reviewing a pending upload, or one already rejected, is 409.
 */
export async function reviewDocument(
  deps: ApplicationDeps,
  principal: Principal,
  applicationId: string,
  documentId: string,
  input: ReviewDocumentInput,
  idempotency?: IdempotentWrite<DocumentRecord>,
): Promise<DocumentRecord> {
  const read = await loadVisible(deps, principal, applicationId);
  const as = reviewerRole(principal, read);
  const reason = input.reason.trim();
  let app = read;
  let doc = await deps.repo.getDocument(applicationId, documentId);
  for (let attempt = 0; ; attempt++) {
    if (!doc) throw new NotFoundError('Unknown document.');
    if (doc.status === 'pending') {
      throw new ConflictError(
        'DOCUMENT_NOT_UPLOADED',
        'The scan has not been uploaded yet (the document is pending); review it once it is uploaded.',
      );
    }
    if (doc.status === 'rejected') {
      throw new ConflictError(
        'DOCUMENT_ALREADY_REJECTED',
        attempt === 0
          ? 'The document is already rejected; upload another of its type instead.'
          : 'The document changed meanwhile (it is no longer uploaded).',
      );
    }
    if (input.verdict === 'rejected' && reason === '') {
      throw new UnprocessableError(
        'REVIEW_REASON_REQUIRED',
        'A rejection needs a reason the clerk can act on.',
        {
          errors: [
            { code: 'REVIEW_REASON_REQUIRED', path: 'reason', message: 'A rejection needs a reason.' },
          ],
        },
      );
    }
    const review: DocumentReview = {
      verdict: input.verdict,
      reason,
      reviewedBy: principal.sub,
      court: principal.court,
      as,
      at: deps.now().toISOString(),
    };
    const reviewed: DocumentRecord = {
      ...doc,
      status: input.verdict === 'rejected' ? 'rejected' : 'uploaded',
      rejectedReason: input.verdict === 'rejected' ? 'REVIEW_REJECTED' : doc.rejectedReason,
      review,
    };
    // The document's chain takes the entry; the application's docsVersion moves, conditioned on the
    // application as read (who may review depends on it), so a decision in flight is built again.
    const outcome = await deps.repo.settleDocument(
      doc,
      {
        status: reviewed.status as 'uploaded' | 'rejected',
        at: review.at,
        reason: reviewed.rejectedReason,
        from: 'uploaded',
        review,
      },
      {
        actor: principal,
        action: input.verdict === 'rejected' ? 'document.review-rejected' : 'document.review-accepted',
        fromStatus: app.status,
        toStatus: app.status,
        detail: {
          documentId: doc.documentId,
          type: doc.type,
          sha256: doc.sha256,
          verdict: input.verdict,
          reason,
          as,
        },
      },
      { application: app, idempotency: idempotentVia(idempotency, () => reviewed) },
    );
    if (outcome === 'settled') return reviewed;
    if (attempt + 1 >= CONFLICT_RETRY.attempts) {
      throw new ConcurrentUpdateError(
        'The application is being changed concurrently; nothing was written. Retry shortly.',
      );
    }
    await sleep(backoffMs(attempt));
    const again = await deps.repo.getWithDocument(applicationId, documentId);
    doc = again.doc;
    if (!again.app) throw new NotFoundError();
    // Decided on the first read; a submission, decision or return in between changes who may review.
    let role: 'clerk' | 'approver' | undefined;
    try {
      role = reviewerRole(principal, again.app);
    } catch {
      role = undefined;
    }
    if (role !== as || again.app.pendingAt !== read.pendingAt) {
      throw new ConflictError(
        'VERSION_CONFLICT',
        'The application changed while reviewing; reload and retry.',
      );
    }
    app = again.app;
  }
}
