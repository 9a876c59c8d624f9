import type { ApplicationStore } from './application-store.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { DocumentStore } from './documents-store.ts';
import type { IdempotencyLog } from './idempotency.ts';
import type { InsurerEvents } from './insurer-events.ts';
import type { Outbox } from './outbox.ts';
import type { ReliefFundLedger } from './relief-fund-ledger.ts';
import type { Sweeps } from './sweeps.ts';

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
export {
  type ApplicationStore,
  type DueQuery,
  DuplicateApplicationError,
  LIST_MAX_READS,
  type ListQuery,
  type ListScope,
  type Mutation,
  type Page,
  QuotaExceededError,
  type ReportDelta,
  type UpdateOptions,
  VersionConflictError,
} from './application-store.ts';
export type { ApplicationTrail, AuditEntry, AuditInput, AuditTrail } from './audit-trail.ts';
export {
  type DocumentGrant,
  type DocumentRecord,
  type DocumentReview,
  type DocumentSettlement,
  type DocumentStatus,
  type DocumentStore,
  type GrantBasis,
  GrantBasisMismatch,
  type GrantedUpload,
  matchesGrantBasis,
} from './documents-store.ts';
export {
  type IdempotencyLog,
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
} from './idempotency.ts';
export { DuplicateEventError, type InsurerEvents } from './insurer-events.ts';
export type { Outbox } from './outbox.ts';
export type { FundEntry, ReliefFundLedger } from './relief-fund-ledger.ts';
export type { SweepPage, SweepQuery, Sweeps } from './sweeps.ts';

/**
 * Everything the application table holds, as one store: the DynamoDB and memory adapters implement
 * it whole. A use case takes only the ports it touches (Pick of ApplicationDeps, or the small ports).
 */
export type ApplicationRepository = ApplicationStore &
  Outbox &
  DocumentStore &
  AuditTrail &
  InsurerEvents &
  ReliefFundLedger &
  IdempotencyLog &
  Sweeps;
