import { logger } from '../lib/logger.ts';
import { retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import type { ApplicationRecord, DocumentRecord } from '../ports/applications.ts';
import {
  type InspectDeps,
  isLate,
  parseDocumentKey,
  recheckUploadedObject,
  SYSTEM_ACTOR,
} from './documents.ts';

/**
 * The S3 ObjectCreated handler's use case.
 * - A pending document becomes `uploaded` only when the stored object has exactly the declared
 *   size, type and SHA-256 and it landed before any later submission (materials freeze at
 *   submission); otherwise `rejected` (LATE_UPLOAD for an object arriving through a grant from
 *   before the submission: it never replaces a reviewed document).
 * - An `uploaded` document whose object was written again is checked again: another object than
 *   the one reviewed makes it `rejected` with OBJECT_CHANGED (the same bytes change nothing).
 * Idempotent: a repeated or late event for a settled document changes nothing.
 */
export async function settleUploadedObject(
  deps: InspectDeps,
  key: string,
  /** `redrive`: the re-drive sweep found the object after its S3 event was lost (on the audit entry). */
  options: { via?: 'redrive' } = {},
): Promise<'uploaded' | 'rejected' | 'ignored'> {
  const ids = parseDocumentKey(key);
  if (!ids) {
    logger.warn('object outside the document layout ignored');
    return 'ignored';
  }
  // One read for both (BatchGetItem) and one write of the document's own items, conditioned on the
  // document as read and (to enter the materials) on its type's slot not frozen since the grant: a
  // submission meanwhile makes the write fail and the event is decided again on a new read (late).
  // The application is never written.
  let read: { app: ApplicationRecord | undefined; doc: DocumentRecord | undefined } | undefined =
    await deps.repo.getWithDocument(ids.applicationId, ids.documentId);
  return retryOnStaleRead('settling a document', async () => {
    const { app, doc } = read ?? (await deps.repo.getWithDocument(ids.applicationId, ids.documentId));
    read = undefined;
    if (doc?.status === 'uploaded') return recheckUploadedObject(deps, doc, app);
    if (doc?.status !== 'pending' || !app) return 'ignored';
    const late = isLate(app, doc);
    const problems: string[] = [];
    if (late) {
      // Not even read: whatever landed after the freeze is kept out of the materials.
      problems.push('LATE_UPLOAD');
    } else {
      const actual = await deps.storage.inspect(key);
      if (!actual) return 'ignored';
      if (actual.sizeBytes !== doc.sizeBytes) problems.push('SIZE_MISMATCH');
      if (actual.sha256Hex !== doc.sha256) problems.push('CHECKSUM_MISMATCH');
      if (actual.contentType && actual.contentType.split(';')[0]?.trim() !== doc.contentType)
        problems.push('CONTENT_TYPE_MISMATCH');
    }
    const status = problems.length === 0 ? 'uploaded' : 'rejected';
    const at = deps.now().toISOString();
    const outcome = await deps.repo.settleDocument(
      doc,
      { status, at, reason: problems.length > 0 ? problems.join(',') : null },
      {
        actor: { ...SYSTEM_ACTOR, court: app.courtCode },
        action: status === 'uploaded' ? 'document.uploaded' : 'document.rejected',
        fromStatus: app.status,
        toStatus: app.status,
        detail: {
          documentId: doc.documentId,
          type: doc.type,
          ...(problems.length > 0 ? { problems } : {}),
          ...(late ? { submissionSeq: app.submission?.seq ?? 0 } : {}),
          ...(options.via ? { via: options.via } : {}),
        },
      },
    );
    // Settled by a repeated event, or frozen by a submission meanwhile: read both again and decide.
    if (outcome !== 'settled') throw new StaleReadError();
    return status;
  });
}
