import type {
  ApplicationRecord,
  ApplicationStatus,
  OutboxItem,
  QuotaChange,
  ReportCounter,
} from '../domain/application.ts';
import type { WaitCounter } from '../domain/approval-times.ts';
import type { AuditInput } from './audit-trail.ts';
import type { IdempotentWrite } from './idempotency.ts';

export interface UpdateOptions {
  expectedVersion?: number;
  quota?: QuotaChange;
  /** Outbox items to add in the same transaction. */
  outbox?: OutboxItem[];
  /**
   * The mark of the submission's closeMaterials, whose documents it froze: written only while the mark
   * is still on the application (no upload entered the materials since, no other change, no later
   * mark), and the mark goes with the write; else nothing is written and StaleReadError (mark and
   * read again).
   */
  freezeMaterials?: { closing: string };
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

export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
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

/** The applications themselves: each change one transaction with its audit entry and effects (UpdateOptions). */
export interface ApplicationStore {
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
  list(scope: ListScope, query: ListQuery): Promise<Page<ApplicationRecord>>;
  /**
   * Relief-closed applications of one high court's partition whose next asset check is due on or
   * before `query.before` (YYYY-MM-DD), earliest first, from the sparse due index (never a scan);
   * like list(), at most LIST_MAX_READS reads per page (a court filter may give a short page with a cursor).
   */
  listDue(query: DueQuery): Promise<Page<ApplicationRecord>>;
}
