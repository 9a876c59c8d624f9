import { GENESIS_HASH, nextEntry } from '../domain/audit-chain.ts';
import { allowsDrafts } from '../domain/campaigns.ts';
import { isWithClerk } from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError } from '../lib/errors.ts';
import { StaleReadError } from '../lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type AuditInput,
  DOCUMENT_TYPES,
  type DocumentRecord,
  type DocumentToReplace,
  type DocumentType,
  type EvidenceDocument,
  type GrantBasis,
} from '../ports/applications.ts';
import type { DocumentStorage, ObjectInspector } from '../ports/campaigns.ts';
import { type ApplicationDeps, forClerk, hasRole } from './applications.ts';

export interface DocumentDeps extends ApplicationDeps {
  storage: DocumentStorage;
}

/** What settling an uploaded object needs of the bucket: inspection only (no presigning). */
export interface InspectDeps extends ApplicationDeps {
  storage: ObjectInspector;
}

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * What an upload grant writes into the object key it signs, so that the object's event can settle it
 * without reading the document or the application first: the document's type and chain head after
 * the grant (its `document.requested` entry), and the application's court, status and submission
 * at the grant. Nothing here is trusted as such: the settlement's conditions check every fact, and
 * one that no longer holds makes it read and decide (documents.ts settleUploadedObject).
 */
export interface GrantFacts {
  type: DocumentType;
  auditHead: string;
  courtCode: string;
  status: ApplicationStatus;
  submissionSeq: number;
}

/**
 * `applications/<applicationId>/documents/<documentId>`, and with the grant's facts a last segment
 * `<submissionSeq>.<status>.<court>.<type>.<chain head>` (all of [0-9A-Za-z-], no encoding needed).
 */
export function documentKey(applicationId: string, documentId: string, grant?: GrantFacts): string {
  const base = `applications/${applicationId}/documents/${documentId}`;
  if (!grant) return base;
  const facts = `${grant.submissionSeq}.${grant.status}.${grant.courtCode}.${grant.type}.${grant.auditHead}`;
  return parseDocumentKey(`${base}/${facts}`)?.granted ? `${base}/${facts}` : base;
}

const DOCUMENT_KEY =
  /^applications\/([0-9A-Za-z]{10,40})\/documents\/([0-9A-Za-z]{10,40})(?:\/(\d{1,9})\.(draft|returned)\.([0-9A-Za-z]{1,32})\.([a-z-]{1,40})\.([0-9a-f]{64}))?$/;

/** Reads application and document ids (and a grant's facts) back from an object key; undefined for any other key. */
export function parseDocumentKey(
  key: string,
): { applicationId: string; documentId: string; granted?: GrantFacts } | undefined {
  const m = key.match(DOCUMENT_KEY);
  if (!m) return undefined;
  const ids = { applicationId: m[1] as string, documentId: m[2] as string };
  const type = m[6] as DocumentType | undefined;
  if (m[7] === undefined || !type || !DOCUMENT_TYPES.includes(type))
    return m[3] === undefined ? ids : undefined;
  return {
    ...ids,
    granted: {
      type,
      auditHead: m[7],
      courtCode: m[5] as string,
      status: m[4] as ApplicationStatus,
      submissionSeq: Number(m[3]),
    },
  };
}

/** The hash of a document's first chain entry, as the repository seals it (seq 1 on the genesis hash). */
export function firstEntryHash(audit: AuditInput, at: string): string {
  return nextEntry({ auditSeq: 0, auditHead: GENESIS_HASH }, audit, at).hash;
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
export function materialsFrozen(status: ApplicationStatus): ConflictError {
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
export function reviewRejections(docs: DocumentRecord[]): Map<DocumentType, DocumentRecord> {
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

/**
 * The refusals of a grant, judged on the application as read (as loadForClerk, then the freeze and
 * the campaign), and the basis its transaction checks when it may go ahead.
 */
export async function grantBasis(
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

export const SYSTEM_ACTOR = { sub: 'system:document-store', court: '', roles: [] as never[] };

/** The application was submitted after the grant, or is not open for materials now: a late upload. */
export function isLate(app: ApplicationRecord, doc: DocumentRecord): boolean {
  return !isWithClerk(app.status) || (app.submission?.seq ?? 0) !== (doc.submissionSeqAtGrant ?? 0);
}

/**
 * A second object written to the key of an `uploaded` document (S3 keeps no history the system
 * trusts): if it is not byte for byte the reviewed one, the document is `rejected` with
 * OBJECT_CHANGED (OBJECT_MISSING when it is gone), audited, whatever the application's status. Disbursement checks the objects again.
 */
export async function recheckUploadedObject(
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

/**
 * Who may review now: the executing court's clerk while the application is draft or returned, or
 * an approver of the court where it waits (pending_approval). 404 outside the jurisdiction (the
 * caller's `loadVisible`), 403 inside it for anyone else, 409 when the status allows no review.
 */
export function reviewerRole(principal: Principal, app: ApplicationRecord): 'clerk' | 'approver' {
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
