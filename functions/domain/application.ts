import type { ApplicationFacts, EligibilityFailure, Measure } from './eligibility.ts';
import type { LiftedMeasure, Monitoring } from './post-closure.ts';

/**
 * The application (救助申请) as the domain sees it: its statuses, the record and the parts the
 * lifecycle (lifecycle.ts) moves. The store's port (ports/applications.ts) re-exports these.
 */

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

/** Before submission, or back from a return (退回补充): the executing court's clerk holds the application. */
export const WITH_CLERK: readonly ApplicationStatus[] = ['draft', 'returned'];
/** Between submission and the insurer's answer: a workflow execution carries it. */
export const IN_FLIGHT: readonly ApplicationStatus[] = ['pending_approval', 'awaiting_payout'];
/** The relief was paid (and possibly closed and resumed since). */
export const PAID_OUT: readonly ApplicationStatus[] = ['paid', 'closed', 'resumed'];

export const isWithClerk = (status: ApplicationStatus) => WITH_CLERK.includes(status);
export const isInFlight = (status: ApplicationStatus) => IN_FLIGHT.includes(status);
export const isPaidOut = (status: ApplicationStatus) => PAID_OUT.includes(status);

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
  /** The correlation id of the submitting request: its execution's, and a re-driven execution's. */
  correlationId?: string;
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
  /**
   * The reservation entry on the quota row that the final approval's own conditional update took
   * (domain/quota.ts reservationKey); absent on a reservation taken inside the decision's transaction.
   */
  key?: string;
}

/** A quota movement written in the same transaction as the application change. */
export interface QuotaChange {
  campaignId: string;
  highCourtCode: string;
  amountFen: number;
  op: 'reserve' | 'release' | 'commit';
  /**
   * The reservation entry (domain/quota.ts reservationKey): a reserve takes it by its own conditional
   * update before the transaction; a release or commit removes it from the row if it is still there.
   */
  key?: string;
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
      handoff?: OutboxHandoff;
    }
  | {
      kind: 'deliver-payout';
      applicationId: string;
      submissionSeq: number;
      outcome: 'paid' | 'declined';
      createdAt: string;
      handoff?: OutboxHandoff;
    }
) & { attempts?: number; dueAt?: string; correlationId?: string };

/** The item as stored: with the current correlation id unless it carries one. */
export function withOutboxCorrelation(item: OutboxItem, correlationId: string | undefined): OutboxItem {
  return item.correlationId || !correlationId ? item : { ...item, correlationId };
}

/**
 * What the hand-off after the response sends (usecases/hand-off.ts `handOff`, fed by the table's
 * stream): the waiting task's token and its output as the transaction knew them, so delivering needs
 * no read. Absent when no token waited yet (the token's own task answers the decision on arrival).
 */
export interface OutboxHandoff {
  token: string;
  output: Record<string, unknown>;
}

/** How long the reconcile sweep leaves an item with a hand-off to the stream before it steps in. */
export const HANDOFF_GRACE_MS = 15_000;

/** When the reconcile sweep may step in for an item with a hand-off written at `at`. */
export function handoffDueAt(at: string): string {
  return new Date(Date.parse(at) + HANDOFF_GRACE_MS).toISOString();
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
