import type { Campaign } from '../../domain/campaigns.ts';
import type {
  ApplicationRecord,
  AuditEntry,
  DocumentRecord,
  FundEntry,
  IdempotencyRecord,
  OutboxItem,
} from '../../ports/applications.ts';
import type { StoredQuota } from '../../ports/quotas.ts';
import type { CounterRow, StoredNarrative } from '../../ports/reports.ts';

/**
 * The in-memory "table" every memory adapter shares, as the DynamoDB adapters share one table: the
 * application repository reserves quota, moves report counters and credits the fund in the same
 * transaction as the application change, so those rows must be the ones the quota ledger and the
 * report store read. Nothing here is exported to clients: each adapter hands out copies.
 */
export interface MemoryState {
  applications: Map<string, ApplicationRecord>;
  /** applicationId → seq → entry. */
  audit: Map<string, Map<number, AuditEntry>>;
  /** applicationId → documentId → document. */
  documents: Map<string, Map<string, DocumentRecord>>;
  /** `${applicationId}#${documentId}` → seq → entry of the document's own chain. */
  documentAudit: Map<string, Map<number, AuditEntry>>;
  /**
   * applicationId → the mark of a submission reading its materials (DocumentStore.closeMaterials): on
   * the application item in DynamoDB, no part of the record; every write of the application and every
   * upload entering the materials removes it.
   */
  materialsClosing: Map<string, string>;
  /** duplicate key → the application holding the system-wide lock. */
  duplicateLocks: Map<string, string>;
  /** `${applicationId}#${outboxId}` → item. */
  outbox: Map<string, OutboxItem>;
  /** `${campaignId}#${highCourtCode}` → quota row. */
  quotas: Map<string, StoredQuota>;
  /** `${campaignId}#${highCourtCode}` → seq → allocation entry. */
  quotaAudit: Map<string, Map<number, AuditEntry>>;
  /** `${campaignId}#HIGH#${code}` → counters (no total row: national figures are derived). */
  reportCounters: Map<string, CounterRow>;
  /** `${campaignId}#${marker}`: distinct cases and persons already counted. */
  reportMarkers: Set<string>;
  /** `${campaignId}#${highCourtCode}` → frozen report. */
  frozenReports: Map<string, Record<string, unknown>>;
  /** `${campaignId}#${highCourtCode}` → current narrative; `…#v${version}` → each version written. */
  narratives: Map<string, StoredNarrative>;
  /** campaignId → relief fund ledger (recovered money). */
  fund: Map<string, { recoveredFen: number; entries: number }>;
  /** `${campaignId}#${at}#${applicationId}#${seq}` → fund entry. */
  fundEntries: Map<string, FundEntry>;
  /** insurer event id → what it was and where it took effect. */
  insurerEvents: Map<string, InsurerEventMark>;
  /** JSON [scope, key] → the first response. */
  idempotency: Map<string, IdempotencyRecord>;
  campaigns: Map<string, Campaign>;
}

export type { FundEntry } from '../../ports/applications.ts';

export interface InsurerEventMark {
  id: string;
  type: string;
  packageId: string;
  applicationId: string;
  receivedAt: string;
}

export function createMemoryState(): MemoryState {
  return {
    applications: new Map(),
    audit: new Map(),
    documents: new Map(),
    documentAudit: new Map(),
    materialsClosing: new Map(),
    duplicateLocks: new Map(),
    outbox: new Map(),
    quotas: new Map(),
    quotaAudit: new Map(),
    reportCounters: new Map(),
    reportMarkers: new Set(),
    frozenReports: new Map(),
    narratives: new Map(),
    fund: new Map(),
    fundEntries: new Map(),
    insurerEvents: new Map(),
    idempotency: new Map(),
    campaigns: new Map(),
  };
}

/**
 * What a stored item reads back as: a deep copy through JSON, as the DynamoDB document client
 * marshals it (undefined attributes dropped, no shared references between caller and store).
 */
export function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export const idempotencyKey = (scope: string, key: string) => JSON.stringify([scope, key]);

/** Lets other callers run between a read and the write that depends on it, as network I/O does. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One write of a transaction: the item it touches, its condition and its effect. */
export interface Operation {
  /** What the caller calls it, to tell which condition failed (as the DynamoDB adapter labels items). */
  label: string;
  /** The item's identity: one transaction may touch an item only once (DynamoDB: ValidationException). */
  item: string;
  condition?: () => boolean;
  apply: () => void;
}

/**
 * Thrown when a transaction's condition failed: nothing was written. Shaped like DynamoDB's
 * TransactionCanceledException (name, CancellationReasons per operation) so that the same error
 * mapping (e.g. 429 on ThrottlingError) applies to both.
 */
export class MemoryTransactionCanceled extends Error {
  override name = 'TransactionCanceledException';
  constructor(
    readonly CancellationReasons: { Code: string }[],
    readonly labels: string[],
  ) {
    super(
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`,
    );
  }

  /** Labels of the operations whose condition failed. */
  failed(): Set<string> {
    const out = new Set<string>();
    this.CancellationReasons.forEach((r, i) => {
      if (r.Code === 'ConditionalCheckFailed') out.add(this.labels[i] ?? 'unknown');
    });
    return out;
  }

  codes(): string[] {
    return this.CancellationReasons.map((r) => r.Code);
  }
}

/**
 * All or nothing, synchronously (so no other caller can interleave): every condition is evaluated
 * against the state before any effect; any failure cancels the whole transaction, naming each
 * failing operation. `interference` cancels it as a DynamoDB conflict or throttle would (fault
 * injection for tests).
 */
export function transact(ops: Operation[], interference?: 'TransactionConflict' | 'ThrottlingError'): void {
  const items = new Set<string>();
  for (const op of ops) {
    if (items.has(op.item)) {
      throw Object.assign(new Error('Transaction request cannot include multiple operations on one item'), {
        name: 'ValidationException',
      });
    }
    items.add(op.item);
  }
  if (ops.length > 100) {
    throw Object.assign(new Error('Member must have length less than or equal to 100'), {
      name: 'ValidationException',
    });
  }
  const labels = ops.map((op) => op.label);
  if (interference) {
    throw new MemoryTransactionCanceled(
      ops.map((_, i) => ({ Code: i === 0 ? interference : 'None' })),
      labels,
    );
  }
  const reasons = ops.map((op) => ({
    Code: op.condition && !op.condition() ? 'ConditionalCheckFailed' : 'None',
  }));
  if (reasons.some((r) => r.Code !== 'None')) throw new MemoryTransactionCanceled(reasons, labels);
  for (const op of ops) op.apply();
}
