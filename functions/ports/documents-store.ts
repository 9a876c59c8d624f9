import type { ApplicationRecord, ApplicationStatus, DocumentType } from '../domain/application.ts';
import type { AuditInput } from './audit-trail.ts';
import type { IdempotentWrite } from './idempotency.ts';

export type DocumentStatus = 'pending' | 'uploaded' | 'rejected';

export interface DocumentRecord {
  applicationId: string;
  documentId: string;
  type: DocumentType;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  status: DocumentStatus;
  s3Key: string;
  createdAt: string;
  createdBy: string;
  uploadedAt: string | null;
  rejectedReason: string | null;
  /**
   * The application's submission count when the upload was granted. An object landing after a
   * later submission came through a grant from before that submission: it is a late upload.
   */
  submissionSeqAtGrant?: number;
  /** The correlation id of the request that granted the upload: a re-driven settlement runs under it. */
  correlationId?: string;
  /** The latest person's review (审查) of the scan: accepted keeps it `uploaded`, rejected makes it `rejected`. */
  review?: DocumentReview;
  /**
   * The document's own audit chain (grant, upload, rejection, reviews): its last seq and hash, kept on
   * the document (absent on a document stored before documents had chains).
   */
  auditSeq?: number;
  auditHead?: string;
}

/**
 * What an upload's settlement assumes without reading anything (the facts its grant put into the
 * object key, documents.ts `documentKey`, and the object as inspected): the document still pending
 * at that key with exactly this chain head, type and declared object, and the application still at
 * this court, status and submission. The write checks all of it in its conditions; any of it untrue
 * and nothing is written (`document-changed` / `application-changed`), so the caller reads and decides.
 */
export interface GrantedUpload {
  auditHead: string;
  sizeBytes: number;
  sha256: string;
  /** The stored object's content type without parameters; undefined: not checked (S3 reported none). */
  contentType: string | undefined;
  application: { courtCode: string; status: ApplicationStatus; submissionSeq: number };
}

/** How a document change ended: written, or not because the document or the application moved on. */
export type DocumentSettlement = 'settled' | 'document-changed' | 'application-changed';

export interface DocumentReview {
  verdict: 'accepted' | 'rejected';
  reason: string;
  reviewedBy: string;
  court: string;
  /** `clerk` before submission, `approver` while the application waits at the reviewer's court. */
  as: 'clerk' | 'approver';
  at: string;
}

/**
 * What an upload grant assumes of its application, checked by the grant's own transaction (a
 * ConditionCheck) instead of a read before it: the executing court, the status and submission the
 * document is granted under, and the campaigns that accept uploads now.
 */
export interface GrantBasis {
  courtCode: string;
  status: ApplicationStatus;
  /** `submission.seq`, 0 for an application never submitted. */
  submissionSeq: number;
  campaignIds: readonly string[];
}

/** The application is not as the grant assumed (or absent): nothing was written; `current` is it as it stands. */
export class GrantBasisMismatch extends Error {
  override name = 'GrantBasisMismatch';
  constructor(readonly current: ApplicationRecord | undefined) {
    super('The application is not as the grant assumed.');
  }
}

/** Whether `app` is what `basis` assumes (the memory store's reading of the grant's ConditionCheck). */
export function matchesGrantBasis(app: ApplicationRecord | undefined, basis: GrantBasis): boolean {
  return (
    app !== undefined &&
    app.courtCode === basis.courtCode &&
    app.status === basis.status &&
    (app.submission?.seq ?? 0) === basis.submissionSeq &&
    basis.campaignIds.includes(app.campaignId)
  );
}

/** A document to register and the first entry of its own chain (`document.requested`). */
export interface DocumentGrant {
  doc: DocumentRecord;
  audit: AuditInput;
}

/** An application's documents (the records; the objects are DocumentStorage's). */
export interface DocumentStore {
  /**
   * Registers documents of one application, each with the first entry of its own chain (`audit`),
   * conditioned on their absence, all in one transaction (all or none); writes nothing of the
   * application (grants in parallel never meet on one item). With `basis`, the same transaction
   * checks the application is as the grant assumed (nothing read before it): otherwise nothing is
   * written and GrantBasisMismatch carries the application as it stands. The stored records come back
   * in the order given.
   */
  addDocuments(
    grants: readonly DocumentGrant[],
    idempotency?: IdempotentWrite<DocumentRecord[]>,
    basis?: GrantBasis,
  ): Promise<DocumentRecord[]>;
  getDocument(applicationId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The application and one of its documents, both consistent, in one request where the store allows. */
  getWithDocument(
    applicationId: string,
    documentId: string,
  ): Promise<{ app: ApplicationRecord | undefined; doc: DocumentRecord | undefined }>;
  listDocuments(applicationId: string): Promise<DocumentRecord[]>;
  /**
   * The application with its documents, consistent, in one read where the store allows (a Query of the
   * application's partition): for a change that needs both (decision, dispatch).
   */
  getWithMaterials(applicationId: string): Promise<{
    app: ApplicationRecord | undefined;
    documents: DocumentRecord[];
  }>;
  /** The documents, in one read. */
  readMaterials(applicationId: string): Promise<{ documents: DocumentRecord[] }>;
  /**
   * A submission's read of the materials it freezes: first marks the application (a token of this
   * read) iff it is with a clerk (draft, returned) of `courtCode`, then reads its documents. An upload
   * that enters the materials while a mark is on the application takes the mark away with it
   * (settleDocument), so the submission's commit under its mark (UpdateOptions.freezeMaterials) fails
   * and it marks and reads again: no upload lands between its read and its commit unseen. The mark is
   * no part of the record and no change of it (no version moves); every whole write of the
   * application removes it, and one left by a submission that failed is taken by the next upload.
   * Not marked (another status or court, or no such application): `closing` undefined, the
   * application as it stands, no documents.
   */
  closeMaterials(
    applicationId: string,
    courtCode: string,
  ): Promise<{ app: ApplicationRecord | undefined; documents: DocumentRecord[]; closing?: string }>;
  /** Takes back the mark `closing` of a submission refused after it (nothing stays written); a later mark stays. */
  reopenMaterials(applicationId: string, closing: string): Promise<void>;
  /**
   * Moves a document from `from` (default pending) to uploaded/rejected with the next entry of its
   * chain, iff the document is still as read (status, chain head): else `document-changed`. A pending
   * document becomes `uploaded` (enters the materials) only while its application is with the clerk
   * at the submission the upload was granted under (else `application-changed`), and takes away the
   * mark of a submission reading the materials meanwhile (closeMaterials).
   * A document leaving `uploaded` keeps its uploadedAt. With `application` (as read), the change also
   * moves the application's docsVersion, conditioned on the application being unchanged (else
   * `application-changed`): for changes an approver's decision must not miss.
   */
  settleDocument(
    doc: DocumentRecord,
    outcome: {
      status: 'uploaded' | 'rejected';
      at: string;
      reason: string | null;
      from?: 'pending' | 'uploaded';
      /** A person's review recorded on the document (document review). */
      review?: DocumentReview;
    },
    audit: AuditInput,
    options?: {
      application?: ApplicationRecord;
      idempotency?: IdempotentWrite<DocumentRecord>;
      /** Settling from the object key's facts, nothing read (`doc` holds only what the key names). */
      granted?: GrantedUpload;
    },
  ): Promise<DocumentSettlement>;
}
