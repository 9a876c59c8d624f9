import type { DocumentChain } from '../domain/application-trail.ts';
import type { AuditEntryContent } from '../domain/audit-chain.ts';
import type { ApplicationFacts, EligibilityFailure, Measure } from '../domain/eligibility.ts';
import type { LiftedMeasure, Monitoring } from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import type { IdempotencyRecord, IdempotentWrite } from './idempotency.ts';

export { type IdempotencyRecord, IdempotencyReplay, type IdempotentWrite } from './idempotency.ts';

/** Statuses per the contract: draft → pending_approval → (returned → draft) | rejected | awaiting_payout → paid | declined; paid → closed → resumed; draft | returned → withdrawn. */
export type ApplicationStatus =
  | 'draft'
  | 'pending_approval'
  | 'returned'
  | 'rejected'
  | 'awaiting_payout'
  | 'paid'
  | 'declined'
  | 'closed'
  | 'resumed'
  | 'withdrawn';

export const APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'draft',
  'pending_approval',
  'returned',
  'rejected',
  'awaiting_payout',
  'paid',
  'declined',
  'closed',
  'resumed',
  'withdrawn',
];

/** An application (救助申请) as stored: the applicant's facts plus workflow state. */
export interface ApplicationRecord extends ApplicationFacts {
  id: string;
  campaignId: string;
  courtCode: string;
  highCourtCode: string;
  status: ApplicationStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  eligibility: { eligible: boolean; failures: EligibilityFailure[] };
  /** Normalised case number + applicant id: the system-wide duplicate key. */
  duplicateKey: string;
  /** The approval route (court codes, executing court first) and where the application waits now. */
  route: string[];
  pendingAt: string | null;
  /** The executing court's superiors (nearest first, SPC excluded): used for jurisdiction-scoped lists. */
  ancestors: string[];
  auditSeq: number;
  auditHead: string;
  /**
   * Moved by a document change an approver must not miss (a person's review, an uploaded object that
   * changed): a submission or decision built on an earlier read is built again. Absent: never moved.
   */
  docsVersion?: number;
  /** The current submission for approval (审批), absent on a never-submitted draft. */
  submission?: Submission | null;
  /** Index into `route` of the level the application waits at (while pending_approval). */
  level?: number;
  /** Decisions of the current submission, in order. */
  decisions?: DecisionEntry[];
  /** The workflow's task token for the level it waits at; never leaves the server. */
  taskToken?: { submissionSeq: number; level: number; token: string } | null;
  escalations?: number;
  quotaReservation?: QuotaReservation | null;
  /** Disbursement (发放): the package sent to the insurer and what it answered. */
  payout?: Payout | null;
  /** Anomalies the insurer's events raised (e.g. AMOUNT_MISMATCH), kept for follow-up. */
  payoutFlags?: { code: string; eventId: string; amountFen?: number; at: string }[];
  /**
   * Set when disbursement withheld the package because a stored object no longer matches the
   * evidence the high court approved; the quota stays reserved until an operator acts.
   */
  integrityHold?: IntegrityHold | null;
  /** Closure (报结) by the termination ruling. */
  closure?: Closure | null;
  /** Resumed enforcement (恢复执行) after closure, capped at the relief amount. */
  resumption?: {
    reason: 'assets-found' | 'evasion';
    basis: string;
    amountFen: number;
    /** The debtors it resumes against (canonical ID numbers of `debtors`). */
    debtors?: string[];
    resumedAt: string;
    resumedBy: string;
  } | null;
  recoveredFen?: number;
  /** Post-closure asset checks (set at closure); indexed by `nextDue` while the case is closed. */
  monitoring?: Monitoring | null;
  /** An asset check found assets or evasion: resumption is due until one (or a reasoned dismissal) is recorded. */
  resumptionDue?: boolean;
  /** Reasoned decisions not to resume after an asset check prompted it (三.4), oldest first. */
  resumptionDismissals?: { reason: string; dismissedAt: string; dismissedBy: string }[];
  /** Measures of `case.measures` lifted after closure (only once resumed and the debt satisfied). */
  liftedMeasures?: LiftedMeasure[];
  /** Withdrawn (撤回) by the executing court's clerk before approval; the case and applicant may apply again. */
  withdrawal?: { reason: string; withdrawnAt: string; withdrawnBy: string } | null;
  /**
   * Set when the re-drive sweep could not get the workflow of this submission going again (a state it
   * does not understand, or repeated failures): an operator must look. Never cleared silently.
   */
  workflowAlarm?: WorkflowAlarm | null;
}

export interface WorkflowAlarm {
  submissionSeq: number;
  /** e.g. REDRIVE_LIMIT_REACHED, UNKNOWN_WORKFLOW_STATE */
  code: string;
  /** What the sweep found: the execution's status (or MISSING) and where the application stood. */
  found: { execution: string; status: ApplicationStatus; level: number | null };
  executionName: string;
  at: string;
}

export interface Payout {
  packageId: string;
  taskToken: string | null;
  dispatchedAt: string;
  attempts: number;
  overdue?: boolean;
  transactionRef?: string;
  paidAt?: string;
  amountFen?: number;
  declinedReason?: string;
  settledEventId?: string;
}

export interface Closure {
  rulingNumber: string;
  issuedAt: string;
  closingReason: string;
  /** Derived from the measures (domain/post-closure.ts restrictionsLiftedOf); false at closure. */
  restrictionsLifted: boolean;
  /** The measures that stay in force after relief, as recorded at closure (absent on older closures). */
  measuresInForce?: Measure[];
  closedAt: string;
  closedBy: string;
}

export interface Submission {
  seq: number;
  submittedAt: string;
  submittedBy: string;
  approvalForm: { reviewOpinion: string; reviewedBy: string };
  /** The current execution of this submission: `<id>-s<seq>`, then `<id>-s<seq>-r<n>` after a re-drive. */
  executionName: string;
  /** The evidence set the clerk submitted (materials freeze here until a return). */
  documents?: EvidenceDocument[];
  /** Re-drives of this submission's workflow (functions/usecases/redrive.ts), absent until the first. */
  redrive?: SubmissionRedrive | null;
}

/** One document of an evidence set: what a submission or decision saw, bound by its SHA-256. */
export interface EvidenceDocument {
  documentId: string;
  type: DocumentType;
  sha256: string;
}

export interface IntegrityHold {
  code: 'EVIDENCE_MISMATCH';
  packageId: string;
  at: string;
  /** Each approved document that failed verification, and how (TYPE_MISSING: none was approved). */
  documents: {
    type: DocumentType;
    documentId: string | null;
    sha256: string | null;
    problem: 'OBJECT_MISSING' | 'OBJECT_CHANGED' | 'DOCUMENT_NOT_UPLOADED' | 'TYPE_MISSING';
    actualSha256?: string;
  }[];
}

export interface SubmissionRedrive {
  /** Re-drives so far (restarts of a lost execution included). */
  count: number;
  /** Re-drives because the execution had ended (failed, aborted, timed out) while the case was in flight. */
  failures: number;
  /** The route level the re-driven execution started at (its input). */
  level: number;
  at: string;
  /** Recorded re-drives whose execution then failed to start (retried by the next run). */
  startFailures?: number;
}

export interface DecisionEntry {
  submissionSeq: number;
  level: number;
  court: string;
  decision: 'approve' | 'reject' | 'return';
  comment: string;
  decidedBy: string;
  decidedAt: string;
  outcome: 'next-level' | 'approved' | 'rejected' | 'returned';
  /** The evidence set this decision saw (evidence-bound approval). */
  documents?: EvidenceDocument[];
  /** A return: the documents rejected in review that the clerk must replace. */
  documentsToReplace?: DocumentToReplace[];
}

export interface DocumentToReplace {
  documentId: string;
  type: DocumentType;
  reason: string;
}

export interface QuotaReservation {
  campaignId: string;
  highCourtCode: string;
  amountFen: number;
  state: 'reserved' | 'released' | 'committed';
}

/** A quota movement written in the same transaction as the application change. */
export interface QuotaChange {
  campaignId: string;
  highCourtCode: string;
  amountFen: number;
  op: 'reserve' | 'release' | 'commit';
}

/**
 * Work that must happen after a transaction (start an execution, send a task token), kept until done.
 * An item whose delivery failed is put back for later (`deferOutbox`): `attempts` so far, due again at
 * `dueAt` (absent: due since `createdAt`). `correlationId`: the id of the request that wrote it
 * (lib/correlation.ts, stamped by the repository when absent); a late delivery runs under it, so its
 * logs, the execution it starts and the insurer call join the request's.
 */
export type OutboxItem = (
  | { kind: 'start-execution'; applicationId: string; submissionSeq: number; createdAt: string }
  | {
      kind: 'deliver-decision';
      applicationId: string;
      submissionSeq: number;
      level: number;
      createdAt: string;
    }
  | {
      kind: 'deliver-payout';
      applicationId: string;
      submissionSeq: number;
      outcome: 'paid' | 'declined';
      createdAt: string;
    }
) & { attempts?: number; dueAt?: string; correlationId?: string };

/** The item as stored: with the current correlation id unless it carries one. */
export function withOutboxCorrelation(item: OutboxItem, correlationId: string | undefined): OutboxItem {
  return item.correlationId || !correlationId ? item : { ...item, correlationId };
}

/** When an outbox item is due (again). */
export const outboxDueAt = (item: OutboxItem): string => item.dueAt ?? item.createdAt;

export function outboxId(item: OutboxItem): string {
  switch (item.kind) {
    case 'start-execution':
      return `${item.kind}#${item.submissionSeq}`;
    case 'deliver-decision':
      return `${item.kind}#${item.submissionSeq}#${item.level}`;
    case 'deliver-payout':
      return `${item.kind}#${item.submissionSeq}`;
  }
}

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
  /** Counter increments, e.g. { pending: -1, paid: 1, amountFen: 300000 }. */
  add: Partial<Record<ReportCounter, number>>;
  /** On payout: the category and the distinct-case / distinct-person keys (hashed, no personal data). */
  paid?: { category: string; amountFen: number; caseKey: string; personKey: string };
}

export const REPORT_COUNTERS = [
  'pending',
  'approved',
  'rejected',
  'returned',
  'declined',
  'paid',
  'amountFen',
  'resumed',
  'recoveredFen',
  'insurerConfirmedFen',
] as const;
export type ReportCounter = (typeof REPORT_COUNTERS)[number];

export class DuplicateEventError extends Error {
  override name = 'DuplicateEventError';
}

export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
}

export type DocumentType =
  | 'identity'
  | 'enforcement-basis'
  | 'hardship-proof'
  | 'termination-consent'
  | 'bank-account'
  | 'execution-report';

export const DOCUMENT_TYPES: readonly DocumentType[] = [
  'identity',
  'enforcement-basis',
  'hardship-proof',
  'termination-consent',
  'bank-account',
  'execution-report',
];

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
  actor: Pick<Principal, 'sub' | 'court' | 'roles'>;
  action: string;
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  detail: Record<string, unknown>;
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
   * writes nothing of the application (six grants in parallel never meet on one item).
   */
  addDocument(
    doc: DocumentRecord,
    audit: AuditInput,
    idempotency?: IdempotentWrite<DocumentRecord>,
  ): Promise<DocumentRecord>;
  getDocument(applicationId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The application and one of its documents, both consistent, in one request where the store allows. */
  getWithDocument(
    applicationId: string,
    documentId: string,
  ): Promise<{ app: ApplicationRecord | undefined; doc: DocumentRecord | undefined }>;
  listDocuments(applicationId: string): Promise<DocumentRecord[]>;
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
    options?: { application?: ApplicationRecord; idempotency?: IdempotentWrite<DocumentRecord> },
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
