import { logger } from '../lib/logger.ts';
import { retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import type { ApplicationRecord, DocumentRecord } from '../ports/applications.ts';
import {
  type GrantFacts,
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
  // A key with its grant's facts: one write, nothing read first (it reads only when a fact no longer
  // holds: a late, repeated or mismatching object, decided below as before).
  if (ids.granted) {
    const settled = await settleAsGranted(deps, key, { ...ids, granted: ids.granted }, options);
    if (settled) return settled;
  }
  // One read for both (BatchGetItem) and one write of the document's own items, conditioned on the
  // document as read and (to enter the materials) on the application still with the clerk at the
  // grant's submission: a submission meanwhile makes the write fail and the event is decided again on
  // a new read (late). The application is written only to take a submission's mark (settleDocument).
  let read: { app: ApplicationRecord | undefined; doc: DocumentRecord | undefined } | undefined =
    await deps.repo.getWithDocument(ids.applicationId, ids.documentId);
  return retryOnStaleRead('settling a document', async () => {
    const { app, doc } = read ?? (await deps.repo.getWithDocument(ids.applicationId, ids.documentId));
    read = undefined;
    // Only the object at the document's own key is its upload (a key with its grant's facts names
    // the same ids as the plain one).
    if (doc && doc.s3Key !== key) return 'ignored';
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

/**
 * The usual upload, settled from its key's facts without reading the table: the object as inspected
 * is what the grant declared, the document is still pending with the grant's chain head, and the
 * application is still at the grant's court, status and submission — each a condition of the one
 * write, whose audit entry is then exactly the one a read would have led to. `undefined` when any
 * condition failed (nothing written) or the object is gone: the caller reads and decides.
 */
async function settleAsGranted(
  deps: InspectDeps,
  key: string,
  ids: { applicationId: string; documentId: string; granted: GrantFacts },
  options: { via?: 'redrive' },
): Promise<'uploaded' | undefined> {
  const actual = await deps.storage.inspect(key);
  if (!actual) return undefined;
  const g = ids.granted;
  const contentType = actual.contentType ? actual.contentType.split(';')[0]?.trim() : undefined;
  // Only what the key names; the write changes status, times and the chain head, nothing else.
  const doc: DocumentRecord = {
    applicationId: ids.applicationId,
    documentId: ids.documentId,
    type: g.type,
    contentType: contentType ?? '',
    sizeBytes: actual.sizeBytes,
    sha256: actual.sha256Hex,
    status: 'pending',
    s3Key: key,
    createdAt: '',
    createdBy: '',
    uploadedAt: null,
    rejectedReason: null,
    submissionSeqAtGrant: g.submissionSeq,
    auditSeq: 1,
    auditHead: g.auditHead,
  };
  const outcome = await deps.repo.settleDocument(
    doc,
    { status: 'uploaded', at: deps.now().toISOString(), reason: null },
    {
      actor: { ...SYSTEM_ACTOR, court: g.courtCode },
      action: 'document.uploaded',
      fromStatus: g.status,
      toStatus: g.status,
      detail: { documentId: ids.documentId, type: g.type, ...(options.via ? { via: options.via } : {}) },
    },
    {
      granted: {
        auditHead: g.auditHead,
        sizeBytes: actual.sizeBytes,
        sha256: actual.sha256Hex,
        contentType,
        application: { courtCode: g.courtCode, status: g.status, submissionSeq: g.submissionSeq },
      },
    },
  );
  return outcome === 'settled' ? 'uploaded' : undefined;
}
