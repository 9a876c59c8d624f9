import type {
  ApplicationRecord,
  ApplicationStatus,
  DocumentType,
  OutboxItem,
  QuotaChange,
  ReportCounter,
} from '../domain/application.ts';
import type { DocumentChain } from '../domain/application-trail.ts';
import type { WaitCounter } from '../domain/approval-times.ts';
import type { AuditEntryContent } from '../domain/audit-chain.ts';
import type { Actor } from '../domain/lifecycle.ts';
import type { IdempotencyRecord, IdempotentWrite } from './idempotency.ts';

// The record and its parts live in the domain (domain/application.ts); re-exported for the store's users.
export {
  APPLICATION_STATUSES,
  type ApplicationRecord,
  type ApplicationStatus,
  type Closure,
  type DecisionEntry,
  DOCUMENT_TYPES,
  type DocumentToReplace,
  type DocumentType,
  type EvidenceDocument,
  HANDOFF_GRACE_MS,
  handoffDueAt,
  type IntegrityHold,
  type OutboxHandoff,
  type OutboxItem,
  outboxDueAt,
  outboxId,
  type Payout,
  type QuotaChange,
  type QuotaReservation,
  REPORT_COUNTERS,
  type ReportCounter,
  type Submission,
  type SubmissionRedrive,
  type WorkflowAlarm,
  withOutboxCorrelation,
} from '../domain/application.ts';
export { type IdempotencyRecord, IdempotencyReplay, type IdempotentWrite } from './idempotency.ts';

export interface UpdateOptions {
  expectedVersion?: number;
  quota?: QuotaChange;
  /** Outbox items to add in the same transaction. */
  outbox?: OutboxItem[];
  /**
   * The material slots a submission read (readMaterials): each is frozen at `freezeSeq` in the same
   * transaction, conditioned on its version as read (an upload settled meanwhile: StaleReadError).
   */
  freezeMaterials?: { slots: MaterialSlot[]; freezeSeq: number };
  /** Release the system-wide duplicate lock (the application is no longer open). */
  releaseDuplicateLock?: boolean;
  /** Record an insurer event id in the same transaction; a second use fails with DuplicateEventError. */
  insurerEvent?: { id: string; type: string; packageId: string };
  /** Report counters to move in the same transaction (reports read counters, never scan). */
  report?: ReportDelta;
  /** Credit recovered money to the relief-fund ledger of the campaign (全国法院涉民生案件救助款). */
  fundCredit?: { campaignId: string; amountFen: number; reference: string; receivedAt: string };
  /** Record the request's Idempotency-Key with the change, in the same transaction (a replay: IdempotencyReplay). */
  idempotency?: IdempotentWrite<ApplicationRecord>;
}

export interface ReportDelta {
  campaignId: string;
  highCourtCode: string;
  /** The executing court: its own counter row (the report's `byCourt`) moves in the same transaction. */
  courtCode: string;
  /** Counter increments, e.g. { pending: -1, paid: 1, amountFen: 300000 }; a decision's wait (domain/approval-times.ts). */
  add: Partial<Record<ReportCounter | WaitCounter, number>>;
  /** On payout: the category and the distinct-case / distinct-person keys (hashed, no personal data). */
  paid?: { category: string; amountFen: number; caseKey: string; personKey: string };
}

export class DuplicateEventError extends Error {
  override name = 'DuplicateEventError';
}

export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
}

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
 * Per document type, what a submission must find unchanged (adapters keep it beside the documents,
 * read with them): `version` moves with every upload of the type that enters the materials, and a
 * submission sets `freezeSeq` to its seq; an upload granted before that submission then fails its
 * condition and is decided again (late). Absent fields: the slot was never written.
 */
export interface MaterialSlot {
  type: DocumentType;
  version?: number;
  freezeSeq?: number;
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

/** An application's audit chains as stored: its own (head on the application) and one per document. */
export interface ApplicationTrail {
  application: AuditEntry[];
  documents: DocumentChain[];
}

export interface DocumentReview {
  verdict: 'accepted' | 'rejected';
  reason: string;
  reviewedBy: string;
  court: string;
  /** `clerk` before submission, `approver` while the application waits at the reviewer's court. */
  as: 'clerk' | 'approver';
  at: string;
}

/** `documentId`: the entry is on that document's chain (listAudit's union), absent on the application's. */
export type AuditEntry = AuditEntryContent & { hash: string; prevHash: string; documentId?: string };

/** What a caller records; the repository assigns seq, time and the chain hashes. */
export interface AuditInput {
  actor: Actor;
  action: string;
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  detail: Record<string, unknown>;
  /**
   * The entry's time, when the caller must know the entry's hash before the write (an upload grant
   * names its chain head in the object key it signs); only addDocument honours it.
   */
  at?: string;
}

/** A bounded, resumable read of one gsi4 family: `cursor` says where the next read continues. */
export interface SweepPage<T> {
  items: T[];
  /** Opaque; null once the read went through every shard (the next read starts a new pass). */
  cursor: string | null;
}

export interface SweepQuery {
  /** Only items whose sort time (updatedAt / createdAt) is at or before this instant (ISO 8601). */
  before: string;
  limit: number;
  cursor: string | null;
}

export interface ListQuery {
  status?: ApplicationStatus;
  /** Only applications executed by this court or by a court below it. */
  courtOrAncestor?: string;
  campaignId?: string;
  courtCode?: string;
  limit: number;
  cursor?: string;
}

/**
 * A list page reads its index at most this many times (each read up to the page's remaining room):
 * a selective filter over a large partition returns a short, even empty, page with `nextCursor`
 * instead of scanning the partition (and the Lambda timeout) in one request.
 */
export const LIST_MAX_READS = 4;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class DuplicateApplicationError extends Error {
  override name = 'DuplicateApplicationError';
  constructor(readonly existingApplicationId: string | undefined) {
    super('An open or paid application exists for this case and applicant.');
  }
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

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

/**
 * A change to an application: the new record and its audit entry. The repository writes both in
 * one transaction, conditioned on the record it read, and retries the whole function when another
 * writer got there first (so the hash chain never forks).
 */
export type Mutation = (current: ApplicationRecord) => { next: ApplicationRecord; audit: AuditInput };

export interface ApplicationRepository {
  create(
    app: ApplicationRecord,
    audit: AuditInput,
    idempotency?: IdempotentWrite<ApplicationRecord>,
  ): Promise<ApplicationRecord>;
  get(id: string): Promise<ApplicationRecord | undefined>;
  /**
   * Consistent reads of several applications at once (a decision batch's items: one BatchGetItem per
   * 100 ids instead of a GetItem each); an id that does not exist is absent from the map.
   */
  getMany(ids: readonly string[]): Promise<Map<string, ApplicationRecord>>;
  /**
   * Applies `mutate` to the current record. With `expectedVersion`, a stored version that differs is a
   * VersionConflictError (optimistic concurrency for PATCH).
   */
  update(
    id: string,
    mutate: Mutation,
    opts?: UpdateOptions | ((current: ApplicationRecord) => UpdateOptions),
  ): Promise<ApplicationRecord>;
  /**
   * Records the workflow's token for (submission, level) iff the application still waits there (and,
   * with `executionName`, iff that execution is the submission's current one), in one request.
   * `app` is the application as it stands after the attempt (recorded or not); absent if none exists.
   */
  recordTaskToken(
    id: string,
    token: { submissionSeq: number; level: number; token: string },
    executionName?: string,
  ): Promise<{ outcome: 'recorded' | 'moved-on'; app: ApplicationRecord | undefined }>;
  /**
   * Up to `limit` outbox items due at or before `dueBy` (default: all), earliest due first within each
   * shard of the outbox (the DynamoDB adapter spreads it over IN_FLIGHT_SHARDS partitions).
   */
  listOutbox(limit: number, dueBy?: string): Promise<OutboxItem[]>;
  completeOutbox(item: OutboxItem): Promise<void>;
  /**
   * Puts an item whose delivery failed back for later: attempts + 1, due at `dueAt`, so the items behind
   * it are read first. Nothing if the item was completed meanwhile.
   */
  deferOutbox(item: OutboxItem, dueAt: string): Promise<void>;
  list(scope: ListScope, query: ListQuery): Promise<Page<ApplicationRecord>>;
  /**
   * Relief-closed applications of one high court's partition whose next asset check is due on or
   * before `query.before` (YYYY-MM-DD), earliest first, from the sparse due index (never a scan);
   * like list(), at most LIST_MAX_READS reads per page (a court filter may give a short page with a cursor).
   */
  listDue(query: DueQuery): Promise<Page<ApplicationRecord>>;
  /**
   * Registers a document with the first entry of its own chain (`audit`), conditioned on its absence;
   * writes nothing of the application (six grants in parallel never meet on one item). With `basis`,
   * the same transaction checks the application is as the grant assumed (nothing read before it):
   * otherwise nothing is written and GrantBasisMismatch carries the application as it stands.
   */
  addDocument(
    doc: DocumentRecord,
    audit: AuditInput,
    idempotency?: IdempotentWrite<DocumentRecord>,
    basis?: GrantBasis,
  ): Promise<DocumentRecord>;
  getDocument(applicationId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The application and one of its documents, both consistent, in one request where the store allows. */
  getWithDocument(
    applicationId: string,
    documentId: string,
  ): Promise<{ app: ApplicationRecord | undefined; doc: DocumentRecord | undefined }>;
  listDocuments(applicationId: string): Promise<DocumentRecord[]>;
  /**
   * The application with its documents and material slots, consistent, in one read where the store
   * allows (a Query of the application's partition): for a change that needs both (submission,
   * decision, dispatch).
   */
  getWithMaterials(applicationId: string): Promise<{
    app: ApplicationRecord | undefined;
    documents: DocumentRecord[];
    slots: MaterialSlot[];
  }>;
  /** The documents and the material slot of every type (MaterialSlot), in one read. */
  readMaterials(applicationId: string): Promise<{ documents: DocumentRecord[]; slots: MaterialSlot[] }>;
  /**
   * Moves a document from `from` (default pending) to uploaded/rejected with the next entry of its
   * chain, iff the document is still as read (status, chain head): else `document-changed`. A pending
   * document becoming `uploaded` also moves its type's slot, iff no submission froze it since the
   * grant (else `document-changed`).
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
  /** The application's chain and every document's chain, as stored (one partition read). */
  readTrail(applicationId: string): Promise<ApplicationTrail>;
  /** The union of the application's chains (readTrail), oldest first; document entries carry documentId. */
  listAudit(applicationId: string): Promise<AuditEntry[]>;
  hasInsurerEvent(id: string): Promise<boolean>;
  /** The relief fund ledger (recovered money) of a campaign. */
  getFund(campaignId: string): Promise<{ recoveredFen: number; entries: number }>;
  /** Every credit of the campaign's relief-fund ledger, oldest first (one partition, never a scan). */
  listFundEntries(campaignId: string): Promise<FundEntry[]>;
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Records a key's response on its own, for a request whose changes are several transactions of their
   * own (a decision batch: each item is one decision's transaction). A key recorded meanwhile: IdempotencyReplay.
   */
  recordIdempotency<T>(write: IdempotentWrite<T>, result: T): Promise<void>;
  /** Applications in pending_approval / awaiting_payout, least recently changed first (sparse gsi4). */
  listInFlight(query: SweepQuery): Promise<SweepPage<ApplicationRecord>>;
  /** Documents still `pending`, oldest first (sparse gsi4). */
  listPendingUploads(query: SweepQuery): Promise<SweepPage<DocumentRecord>>;
  /** Takes a document that stayed pending past any possible upload off the pending-upload index. */
  retirePendingUpload(doc: DocumentRecord): Promise<void>;
  /** Where a named sweep stopped, so that the next bounded run resumes there. */
  getSweepCursor(name: string): Promise<string | null>;
  putSweepCursor(name: string, cursor: string | null): Promise<void>;
}

/** One credit of the relief-fund ledger, written with the recovery that caused it. */
export interface FundEntry {
  campaignId: string;
  applicationId: string;
  courtCode: string;
  highCourtCode: string;
  amountFen: number;
  reference: string;
  receivedAt: string;
  recordedAt: string;
}

export interface DueQuery {
  highCourtCode: string;
  before: string;
  /** Only this executing court's. */
  courtCode?: string;
  /** Only this court's and those below it (an intermediate court). */
  courtOrAncestor?: string;
  limit: number;
  cursor?: string;
}

export type ListScope =
  | { kind: 'court'; courtCode: string }
  | { kind: 'highCourt'; highCourtCode: string }
  | { kind: 'campaign'; campaignId: string }
  /** The approver's queue: applications pending at this court, oldest waiting first (sparse gsi5). */
  | { kind: 'pendingAt'; courtCode: string };
