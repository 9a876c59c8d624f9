import { allowsDrafts } from '../domain/campaigns.ts';
import { isWithClerk } from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { correlationField } from '../lib/correlation.ts';
import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import {
  backoffMs,
  CONFLICT_RETRY,
  retryOnStaleRead,
  STALE_READ_ATTEMPTS,
  StaleReadError,
  sleep,
} from '../lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  DOCUMENT_TYPES,
  type DocumentRecord,
  type DocumentReview,
  type DocumentToReplace,
  type DocumentType,
  type EvidenceDocument,
  type GrantBasis,
  GrantBasisMismatch,
} from '../ports/applications.ts';
import type { DocumentStorage, ObjectInspector } from '../ports/campaigns.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { type ApplicationDeps, forClerk, hasRole, loadVisible } from './applications.ts';

export interface DocumentDeps extends ApplicationDeps {
  storage: DocumentStorage;
}

/** What settling an uploaded object needs of the bucket: inspection only (no presigning). */
export interface InspectDeps extends ApplicationDeps {
  storage: ObjectInspector;
}

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export function documentKey(applicationId: string, documentId: string): string {
  return `applications/${applicationId}/documents/${documentId}`;
}

/** Reads application and document ids back from an object key; undefined for any other key. */
export function parseDocumentKey(key: string): { applicationId: string; documentId: string } | undefined {
  const m = key.match(/^applications\/([0-9A-Za-z]{10,40})\/documents\/([0-9A-Za-z]{10,40})$/);
  return m ? { applicationId: m[1] as string, documentId: m[2] as string } : undefined;
}

export function documentView(doc: DocumentRecord) {
  return {
    documentId: doc.documentId,
    type: doc.type,
    status: doc.status,
    contentType: doc.contentType,
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    createdAt: doc.createdAt,
    uploadedAt: doc.uploadedAt,
    ...(doc.rejectedReason ? { rejectedReason: doc.rejectedReason } : {}),
    ...(doc.review
      ? {
          review: {
            verdict: doc.review.verdict,
            reason: doc.review.reason,
            reviewedBy: doc.review.reviewedBy,
            court: doc.review.court,
            as: doc.review.as,
            at: doc.review.at,
          },
        }
      : {}),
  };
}

/** 材料冻结: from submission until a return, the materials are exactly what the approvers see. */
function materialsFrozen(status: ApplicationStatus): ConflictError {
  return new ConflictError(
    'MATERIALS_FROZEN',
    `The materials of an application in status "${status}" are frozen: documents can be added only to a draft or a returned application.`,
  );
}

/**
 * The application's materials as a submission or decision sees them: the newest uploaded document
 * of each required type, in the order of DOCUMENT_TYPES (types without one are absent).
 */
export function evidenceSet(docs: DocumentRecord[]): DocumentRecord[] {
  const blockedUntil = reviewRejections(docs);
  const byType = new Map<string, DocumentRecord>();
  for (const d of docs) {
    if (d.status !== 'uploaded') continue;
    // A scan rejected in review blocks its type until another of the type is uploaded after it.
    const rejectedAt = blockedUntil.get(d.type)?.review?.at;
    if (rejectedAt !== undefined && (d.uploadedAt ?? '') <= rejectedAt) continue;
    const prior = byType.get(d.type);
    if (!prior || (prior.uploadedAt ?? '') < (d.uploadedAt ?? '')) byType.set(d.type, d);
  }
  return DOCUMENT_TYPES.map((t) => byType.get(t)).filter((d): d is DocumentRecord => d !== undefined);
}

/** Per type, the newest document a person rejected in review (审查不通过). */
function reviewRejections(docs: DocumentRecord[]): Map<DocumentType, DocumentRecord> {
  const newest = new Map<DocumentType, DocumentRecord>();
  for (const d of docs) {
    if (d.status !== 'rejected' || d.review?.verdict !== 'rejected') continue;
    const prior = newest.get(d.type);
    if (!prior || (prior.review?.at ?? '') < d.review.at) newest.set(d.type, d);
  }
  return newest;
}

/**
 * The documents rejected in review that still block their type (no document of the type was
 * uploaded after the rejection): what a return asks the clerk to replace, in DOCUMENT_TYPES order.
 */
export function documentsToReplace(docs: DocumentRecord[]): DocumentToReplace[] {
  const evidence = evidenceSet(docs);
  const rejected = reviewRejections(docs);
  return DOCUMENT_TYPES.flatMap((t) => {
    const d = rejected.get(t);
    if (!d || evidence.some((e) => e.type === t)) return [];
    return [{ documentId: d.documentId, type: d.type, reason: d.review?.reason ?? '' }];
  });
}

/** What an audit entry and a decision record of an evidence set: id, type and SHA-256 of each document. */
export function evidenceOf(docs: DocumentRecord[]): EvidenceDocument[] {
  return docs.map((d) => ({ documentId: d.documentId, type: d.type, sha256: d.sha256 }));
}

export interface RequestUploadInput {
  type: DocumentType;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** The pending document and the presigned upload for exactly its object. */
export interface UploadGrant {
  documentId: string;
  type: DocumentType;
  status: 'pending';
  upload: Awaited<ReturnType<DocumentDeps['storage']['presignUpload']>>;
}

/** 上传材料: registers a pending document and returns a presigned upload for exactly that object. */
export async function requestUpload(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  input: RequestUploadInput,
  idempotency?: IdempotentWrite<UploadGrant>,
): Promise<UploadGrant> {
  const documentId = deps.newId();
  const s3Key = documentKey(applicationId, documentId);
  const sha256 = input.sha256.toLowerCase();
  const upload = await deps.storage.presignUpload({
    key: s3Key,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    sha256Hex: sha256,
  });
  const response: UploadGrant = { documentId, type: input.type, status: 'pending', upload };
  // Nothing is read before the write: the grant's own transaction checks that the application is a
  // draft of the clerk's court, never submitted, in a campaign this container knows to accept uploads
  // now (GrantBasis). Any other application fails that check, which returns it as it stands: judged
  // on that (404, 403, MATERIALS_FROZEN, CAMPAIGN_NOT_OPEN as before) or granted again on its real
  // status and submission. A clerk's first grant in a cold container reads the application first.
  const now = deps.now();
  const open = hasRole(principal, 'clerk')
    ? (deps.campaigns.known?.() ?? []).filter((c) => allowsDrafts(c, now)).map((c) => c.id)
    : [];
  let basis: GrantBasis | undefined =
    open.length > 0
      ? { courtCode: principal.court, status: 'draft', submissionSeq: 0, campaignIds: open }
      : undefined;
  let guessed = basis !== undefined;
  for (let attempt = 0; ; attempt++) {
    basis ??= await grantBasis(deps, principal, await deps.repo.get(applicationId));
    const doc: DocumentRecord = {
      applicationId,
      documentId,
      type: input.type,
      contentType: input.contentType,
      sizeBytes: input.sizeBytes,
      sha256,
      status: 'pending',
      s3Key,
      createdAt: deps.now().toISOString(),
      createdBy: principal.sub,
      uploadedAt: null,
      rejectedReason: null,
      submissionSeqAtGrant: basis.submissionSeq,
      ...correlationField(),
    };
    try {
      // The document and the first entry of its own chain; nothing of the application is written, so
      // the six grants of an application never meet on one item. A grant that crossed a submission
      // is refused by the check; its upload would be late anyway (settleUploadedObject).
      await deps.repo.addDocument(
        doc,
        {
          actor: principal,
          action: 'document.requested',
          fromStatus: basis.status,
          toStatus: basis.status,
          detail: { documentId, type: doc.type, sizeBytes: doc.sizeBytes, sha256: doc.sha256 },
        },
        idempotentVia(idempotency, () => response),
        basis,
      );
      return response;
    } catch (error) {
      if (!(error instanceof GrantBasisMismatch)) throw error;
      if (attempt >= STALE_READ_ATTEMPTS - 1) {
        throw new ConcurrentUpdateError(
          'The application kept changing while granting an upload; nothing was written. Retry shortly.',
        );
      }
      // A wrong assumption is corrected at once; an application that changed under an exact one waits.
      if (!guessed) await sleep(backoffMs(attempt));
      guessed = false;
      basis = await grantBasis(deps, principal, error.current);
    }
  }
}

/**
 * The refusals of a grant, judged on the application as read (as loadForClerk, then the freeze and
 * the campaign), and the basis its transaction checks when it may go ahead.
 */
async function grantBasis(
  deps: DocumentDeps,
  principal: Principal,
  read: ApplicationRecord | undefined,
): Promise<GrantBasis> {
  const app = forClerk(principal, read);
  if (!isWithClerk(app.status)) throw materialsFrozen(app.status);
  const campaign = await deps.campaigns.get(app.campaignId);
  if (!campaign || !allowsDrafts(campaign, deps.now())) {
    throw new ConflictError('CAMPAIGN_NOT_OPEN', 'The campaign does not accept uploads now.');
  }
  return {
    courtCode: app.courtCode,
    status: app.status,
    submissionSeq: app.submission?.seq ?? 0,
    campaignIds: [app.campaignId],
  };
}

export async function listDocuments(deps: ApplicationDeps, principal: Principal, applicationId: string) {
  await loadVisible(deps, principal, applicationId);
  return (await deps.repo.listDocuments(applicationId)).map(documentView);
}

export async function getDocument(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  documentId: string,
) {
  await loadVisible(deps, principal, applicationId);
  const doc = await deps.repo.getDocument(applicationId, documentId);
  if (!doc) throw new NotFoundError();
  const download = doc.status === 'uploaded' ? await deps.storage.presignDownload(doc.s3Key) : undefined;
  return {
    ...documentView(doc),
    ...(download ? { url: download.url, urlExpiresAt: download.expiresAt } : {}),
  };
}

const SYSTEM_ACTOR = { sub: 'system:document-store', court: '', roles: [] as never[] };

/** The application was submitted after the grant, or is not open for materials now: a late upload. */
function isLate(app: ApplicationRecord, doc: DocumentRecord): boolean {
  return !isWithClerk(app.status) || (app.submission?.seq ?? 0) !== (doc.submissionSeqAtGrant ?? 0);
}

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

/**
 * A second object written to the key of an `uploaded` document (S3 keeps no history the system
 * trusts): if it is not byte for byte the reviewed one, the document is `rejected` with
 * OBJECT_CHANGED (OBJECT_MISSING when it is gone), audited, whatever the application's status. Disbursement checks the objects again.
 */
async function recheckUploadedObject(
  deps: InspectDeps,
  doc: DocumentRecord,
  app: ApplicationRecord | undefined,
): Promise<'rejected' | 'ignored'> {
  const actual = await deps.storage.inspect(doc.s3Key);
  if (actual && actual.sha256Hex === doc.sha256 && actual.sizeBytes === doc.sizeBytes) return 'ignored';
  if (!app) return 'ignored';
  const problem = actual ? 'OBJECT_CHANGED' : 'OBJECT_MISSING';
  // The evidence set changes: the application's docsVersion moves with the document, so a submission
  // or decision built on the documents as they were is built again.
  const outcome = await deps.repo.settleDocument(
    doc,
    { status: 'rejected', at: deps.now().toISOString(), reason: problem, from: 'uploaded' },
    {
      actor: { ...SYSTEM_ACTOR, court: app.courtCode },
      action: 'document.rejected',
      fromStatus: app.status,
      toStatus: app.status,
      detail: {
        documentId: doc.documentId,
        type: doc.type,
        problems: [problem],
        expectedSha256: doc.sha256,
        actualSha256: actual?.sha256Hex ?? null,
      },
    },
    { application: app },
  );
  if (outcome !== 'settled') throw new StaleReadError();
  return 'rejected';
}

export interface ReviewDocumentInput {
  verdict: 'accepted' | 'rejected';
  reason: string;
}

/**
 * Who may review now: the executing court's clerk while the application is draft or returned, or
 * an approver of the court where it waits (pending_approval). 404 outside the jurisdiction (the
 * caller's `loadVisible`), 403 inside it for anyone else, 409 when the status allows no review.
 */
function reviewerRole(principal: Principal, app: ApplicationRecord): 'clerk' | 'approver' {
  const executingClerk = principal.court === app.courtCode && hasRole(principal, 'clerk');
  if (executingClerk && isWithClerk(app.status)) return 'clerk';
  if (app.status === 'pending_approval') {
    if (hasRole(principal, 'approver') && app.pendingAt === principal.court) return 'approver';
    if (hasRole(principal, 'approver')) {
      throw new ForbiddenError('NOT_PENDING_AT_YOUR_COURT', 'The application does not wait at your court.');
    }
    if (executingClerk) throw materialsFrozen(app.status);
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only the deciding approver may review documents now.');
  }
  if (!executingClerk && !hasRole(principal, 'approver')) {
    throw new ForbiddenError(
      'ROLE_FORBIDDEN',
      'Only a clerk of the executing court or the deciding approver may review documents.',
    );
  }
  throw new ConflictError(
    'INVALID_STATUS',
    `The documents of an application in status "${app.status}" cannot be reviewed.`,
  );
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
