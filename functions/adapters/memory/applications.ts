import { isInFlight, isWithClerk, WITH_CLERK } from '../../domain/application.ts';
import { type DocumentChain, mergeTrail } from '../../domain/application-trail.ts';
import { waitingSince } from '../../domain/approval-queue.ts';
import { GENESIS_HASH, nextEntry } from '../../domain/audit-chain.ts';
import { LifecycleRefusal, recordTaskToken, type TaskTokenInput } from '../../domain/lifecycle.ts';
import {
  abandonedReservation,
  applyQuotaMovement,
  reservationKey,
  reserveOnRow,
  settleOnRow,
} from '../../domain/quota.ts';
import { courtIncrements, highCourtIncrements, reportMarkers } from '../../domain/report.ts';
import { currentCorrelationId } from '../../lib/correlation.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import { CONFLICT_RETRY, StaleReadError } from '../../lib/retry.ts';
import {
  type ApplicationRecord,
  type ApplicationRepository,
  type ApplicationTrail,
  type AuditEntry,
  type AuditInput,
  type DocumentGrant,
  type DocumentRecord,
  type DocumentReview,
  type DocumentSettlement,
  type DueQuery,
  DuplicateApplicationError,
  DuplicateEventError,
  type FundEntry,
  type GrantBasis,
  GrantBasisMismatch,
  type GrantedUpload,
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  LIST_MAX_READS,
  type ListQuery,
  type ListScope,
  type Mutation,
  matchesGrantBasis,
  type OutboxItem,
  outboxDueAt,
  outboxId,
  type Page,
  type QuotaChange,
  QuotaExceededError,
  type ReportDelta,
  type SweepPage,
  type SweepQuery,
  type UpdateOptions,
  VersionConflictError,
  withOutboxCorrelation,
} from '../../ports/applications.ts';
import { recordOf } from '../../ports/idempotency.ts';
import { MemoryFaults } from './faults.ts';
import {
  copy,
  idempotencyKey,
  type MemoryState,
  MemoryTransactionCanceled,
  type Operation,
  tick,
  transact,
} from './state.ts';

/** The DynamoDB adapter's error for a cursor that is not one of this list's (matched by name by the use case). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

type Attempt = { ok: true; stored: ApplicationRecord } | { ok: false; failed: Set<string>; error: unknown };

/** A reservation this attempt took (or found taken by the same read) before its transaction. */
type Reserved = QuotaChange & { key: string; version: number; applicationId: string };

/** Builds the next audit entry on top of `current`'s chain head (domain/audit-chain.ts, as the DynamoDB adapter does). */
function chain(current: Pick<ApplicationRecord, 'auditSeq' | 'auditHead'>, input: AuditInput, at: string) {
  return nextEntry(current, input, at);
}

const sortKeyOf = (app: ApplicationRecord) => `${app.createdAt}#${app.id}`;

function scopeKey(scope: ListScope): {
  pkAttr: string;
  pk: string;
  holds: (a: ApplicationRecord) => boolean;
  /** The index's sort key of an item; the queue reads oldest first, the others newest first. */
  sortKey?: (a: ApplicationRecord) => string;
  ascending?: boolean;
} {
  switch (scope.kind) {
    case 'pendingAt':
      return {
        pkAttr: 'gsi5pk',
        pk: `PENDING#${scope.courtCode}`,
        holds: (a) => a.pendingAt === scope.courtCode && waitingSince(a) !== null,
        sortKey: (a) => `${waitingSince(a)}#${a.id}`,
        ascending: true,
      };
    case 'court':
      return {
        pkAttr: 'gsi1pk',
        pk: `COURT#${scope.courtCode}`,
        holds: (a) => a.courtCode === scope.courtCode,
      };
    case 'highCourt':
      return {
        pkAttr: 'gsi2pk',
        pk: `HIGH#${scope.highCourtCode}`,
        holds: (a) => a.highCourtCode === scope.highCourtCode,
      };
    case 'campaign':
      return {
        pkAttr: 'gsi3pk',
        pk: `CAMPAIGN#${scope.campaignId}`,
        holds: (a) => a.campaignId === scope.campaignId,
      };
  }
}

/** The cursor the DynamoDB adapter hands out: the index's and the table's key of the last item read. */
function encodeCursor(pkAttr: string, pk: string, app: ApplicationRecord, sortKey = sortKeyOf): string {
  const key = {
    pk: `APP#${app.id}`,
    sk: 'APP',
    [pkAttr]: pk,
    [pkAttr.replace(/pk$/, 'sk')]: sortKey(app),
  };
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The position after which a cursor continues, with the DynamoDB adapter's checks. */
function decodeCursor(cursor: string | undefined, expectedPk: string, pkAttr: string): string | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof key !== 'object' || key === null || Array.isArray(key) || key[pkAttr] !== expectedPk)
      throw new Error('foreign cursor');
    const skAttr = pkAttr.replace(/pk$/, 'sk');
    const expected = ['pk', 'sk', pkAttr, skAttr].sort().join(',');
    if (Object.keys(key).sort().join(',') !== expected) throw new Error('bad cursor');
    for (const v of Object.values(key))
      if (typeof v !== 'string' || v.length > 512) throw new Error('bad cursor');
    if (!String(key.pk).startsWith('APP#') || key.sk !== 'APP') throw new Error('bad cursor');
    return key[skAttr] as string;
  } catch {
    throw new InvalidCursorError('The cursor is not valid for this list.');
  }
}

/**
 * An in-memory ApplicationRepository with the DynamoDB adapter's guarantees: each change and its
 * hash-chained audit entry are written together, conditioned on the version and audit sequence that
 * were read (a lost race is retried with the mutation applied again, then ConcurrentUpdateError);
 * the system-wide duplicate lock, quota movements (never below zero), insurer event ids (once each),
 * report counters with distinct-case/person markers, fund credits, outbox items and idempotency
 * records go in the same all-or-nothing transaction, and fail with the same errors.
 */
/** Statuses in which a workflow must be alive: the DynamoDB adapter's in-flight index (gsi4). */

/**
 * One bounded read of a sweep family, ordered by its sort key as gsi4 orders each shard (the memory
 * store has one shard); the cursor is the last key returned, null once the pass went through everything.
 */
function sweepPage<T>(rows: { key: string; item: T }[], query: SweepQuery): SweepPage<T> {
  const after = query.cursor ?? '';
  const ordered = rows
    .filter((r) => r.key > after)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = ordered.slice(0, query.limit);
  const more = ordered.length > page.length;
  return { items: page.map((r) => r.item), cursor: more ? (page.at(-1)?.key ?? null) : null };
}

export class MemoryApplicationRepository implements ApplicationRepository {
  readonly faults = new MemoryFaults();
  /** Marks handed out by closeMaterials, to make each unique. */
  private marks = 0;
  /** Documents taken off the pending-upload index (retirePendingUpload): `${applicationId}#${documentId}`. */
  private readonly retiredUploads = new Set<string>();
  private readonly sweepCursors = new Map<string, string | null>();

  constructor(
    private readonly state: MemoryState,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    app: ApplicationRecord,
    audit: AuditInput,
    idempotency?: IdempotentWrite<ApplicationRecord>,
  ): Promise<ApplicationRecord> {
    await tick();
    const base: ApplicationRecord = { ...copy(app), auditSeq: 0, auditHead: GENESIS_HASH };
    const entry = chain(base, audit, app.createdAt);
    const stored: ApplicationRecord = { ...base, auditSeq: entry.seq, auditHead: entry.hash };
    const ops: Operation[] = [
      {
        label: 'application',
        item: `APP#${app.id}`,
        condition: () => !this.state.applications.has(app.id),
        apply: () => this.state.applications.set(app.id, copy(stored)),
      },
      {
        label: 'duplicate-lock',
        item: `DUP#${app.duplicateKey}`,
        condition: () => !this.state.duplicateLocks.has(app.duplicateKey),
        apply: () => this.state.duplicateLocks.set(app.duplicateKey, app.id),
      },
      this.auditPut(app.id, entry, false),
    ];
    if (idempotency) ops.push(this.idempotencyPut(idempotency, stored));
    try {
      transact(ops, this.faults.take());
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (idempotency && failed.has('idempotency')) throw this.replay(idempotency);
      if (failed.has('duplicate-lock'))
        throw new DuplicateApplicationError(this.state.duplicateLocks.get(app.duplicateKey));
      throw error;
    }
    return copy(stored);
  }

  async get(id: string): Promise<ApplicationRecord | undefined> {
    await tick();
    return copy(this.state.applications.get(id));
  }

  async getMany(ids: readonly string[]): Promise<Map<string, ApplicationRecord>> {
    await tick();
    const found = new Map<string, ApplicationRecord>();
    for (const id of ids) {
      const app = this.state.applications.get(id);
      if (app) found.set(id, copy(app) as ApplicationRecord);
    }
    return found;
  }

  private auditPut(applicationId: string, entry: AuditEntry, conditional = true): Operation {
    const trail = () => {
      let t = this.state.audit.get(applicationId);
      if (!t) {
        t = new Map();
        this.state.audit.set(applicationId, t);
      }
      return t;
    };
    return {
      label: 'audit',
      item: `APP#${applicationId}#AUDIT#${entry.seq}`,
      ...(conditional ? { condition: () => !this.state.audit.get(applicationId)?.has(entry.seq) } : {}),
      apply: () => trail().set(entry.seq, copy(entry)),
    };
  }

  private idempotencyPut<T>(write: IdempotentWrite<T>, stored: T): Operation {
    const record = recordOf(write, stored);
    const key = idempotencyKey(write.scope, write.key);
    return {
      label: 'idempotency',
      item: `IDEMP#${key}`,
      condition: () => !this.state.idempotency.has(key),
      apply: () => this.state.idempotency.set(key, copy(record)),
    };
  }

  private replay(write: { scope: string; key: string }): IdempotencyReplay {
    const record = this.state.idempotency.get(idempotencyKey(write.scope, write.key));
    return new IdempotencyReplay(copy(record) as IdempotencyRecord);
  }

  /** A reservation, release or commit on the quota row, by domain/quota.ts (as the DynamoDB update). */
  private quotaOp(change: QuotaChange): Operation {
    const key = `${change.campaignId}#${change.highCourtCode}`;
    const moved = () => {
      const q = this.state.quotas.get(key);
      return q ? applyQuotaMovement(q, change.op, change.amountFen) : undefined;
    };
    return {
      label: 'quota',
      item: `QUOTA#${key}`,
      condition: () => moved() !== undefined,
      apply: () => {
        const next = moved();
        if (!next) return;
        // A payout's commit or release also removes the approval's reservation entry if it is still there.
        if (change.key && change.op !== 'reserve' && next.reservations?.[change.key]) {
          const { [change.key]: _gone, ...rest } = next.reservations;
          next.reservations = rest;
        }
        this.state.quotas.set(key, next);
      },
    };
  }

  /**
   * A final approval's reservation before its transaction, as the DynamoDB adapter's one conditional
   * update takes it (domain/quota.ts reserveOnRow): QuotaExceededError when the row cannot cover it;
   * an entry already there (the same read's retry or replay) is this decision's.
   */
  private async reserveFor(current: ApplicationRecord, change: QuotaChange, at: string): Promise<Reserved> {
    await tick();
    const key = change.key ?? reservationKey(current);
    const rowKey = `${change.campaignId}#${change.highCourtCode}`;
    const row = this.state.quotas.get(rowKey);
    const entry = { applicationId: current.id, version: current.version, amountFen: change.amountFen, at };
    const outcome = row ? reserveOnRow(row, key, entry) : 'exceeded';
    if (outcome === 'exceeded') throw new QuotaExceededError('The quota cannot cover this.');
    if (outcome !== 'held') this.state.quotas.set(rowKey, copy(outcome));
    return { ...change, key, version: current.version, applicationId: current.id };
  }

  /** After a failed transaction: the DynamoDB adapter's releaseIfAbandoned, on the memory row. */
  private async releaseIfAbandoned(reserved: Reserved): Promise<void> {
    await tick();
    const app = this.state.applications.get(reserved.applicationId);
    if (!abandonedReservation(reserved.key, reserved, app)) return;
    const rowKey = `${reserved.campaignId}#${reserved.highCourtCode}`;
    const row = this.state.quotas.get(rowKey);
    const next = row ? settleOnRow(row, reserved.key, 'release') : undefined;
    if (next) this.state.quotas.set(rowKey, next);
  }

  /** The high court's and the executing court's counter rows and the distinct-case/person markers, as the DynamoDB adapter keeps them. */
  private reportOps(delta: ReportDelta): Operation[] {
    const campaign = delta.campaignId;
    const ops: Operation[] = [];
    const created = new Set<string>();
    for (const marker of reportMarkers(delta)) {
      const key = `${campaign}#${marker.key}`;
      if (this.state.reportMarkers.has(key)) {
        ops.push({
          label: 'report-marker',
          item: `REPORT#${key}`,
          condition: () => this.state.reportMarkers.has(key),
          apply: () => {},
        });
      } else {
        created.add(marker.key);
        ops.push({
          label: 'report-marker',
          item: `REPORT#${key}`,
          condition: () => !this.state.reportMarkers.has(key),
          apply: () => this.state.reportMarkers.add(key),
        });
      }
    }
    const add = highCourtIncrements(delta, created);
    const rowKey = `${campaign}#HIGH#${delta.highCourtCode}`;
    ops.push({
      label: 'report',
      item: `REPORT#${rowKey}`,
      apply: () => {
        const row = this.state.reportCounters.get(rowKey) ?? {};
        for (const [name, value] of Object.entries(add)) row[name] = (row[name] ?? 0) + value;
        this.state.reportCounters.set(rowKey, row);
      },
    });
    const courtAdd = courtIncrements(delta, created);
    const courtKey = `${campaign}#COURT#${delta.highCourtCode}#${delta.courtCode}`;
    ops.push({
      label: 'report',
      item: `REPORT#${courtKey}`,
      apply: () => {
        const row = this.state.reportCounters.get(courtKey) ?? {};
        for (const [name, value] of Object.entries(courtAdd)) row[name] = (row[name] ?? 0) + value;
        this.state.reportCounters.set(courtKey, row);
      },
    });
    return ops;
  }

  /**
   * Builds `next` + its audit entry (+ the options' items, + `extra`) from `current`, lets other
   * writers run (the window a network round trip leaves), then writes everything iff the stored
   * record is still `current`.
   */
  private async commit(
    current: ApplicationRecord,
    mutate: Mutation,
    extra: (stored: ApplicationRecord) => Operation[],
    optionsOf: (current: ApplicationRecord) => UpdateOptions = () => ({}),
  ): Promise<Attempt> {
    const { next, audit } = mutate(current);
    const options = optionsOf(current);
    const closing = options.freezeMaterials?.closing;
    const at = this.now().toISOString();
    const entry = chain(current, audit, at);
    const stored: ApplicationRecord = {
      ...copy(next),
      updatedAt: at,
      auditSeq: entry.seq,
      auditHead: entry.hash,
    };
    const id = current.id;
    const ops: Operation[] = [
      {
        label: 'application',
        item: `APP#${id}`,
        condition: () => {
          const now = this.state.applications.get(id);
          return (
            now !== undefined &&
            now.version === current.version &&
            now.auditSeq === current.auditSeq &&
            now.docsVersion === current.docsVersion &&
            // A submission's, also under its own mark (closeMaterials): no upload entered since its read.
            (closing === undefined || this.state.materialsClosing.get(id) === closing)
          );
        },
        // A whole write of the item, as DynamoDB's Put: the mark goes.
        apply: () => {
          this.state.applications.set(id, copy(stored));
          this.state.materialsClosing.delete(id);
        },
      },
      this.auditPut(id, entry),
    ];
    const dupMoves = next.duplicateKey !== current.duplicateKey;
    if (dupMoves || options.releaseDuplicateLock) {
      ops.push({
        label: 'duplicate-release',
        item: `DUP#${current.duplicateKey}`,
        condition: () => {
          const holder = this.state.duplicateLocks.get(current.duplicateKey);
          return holder === undefined || holder === id;
        },
        apply: () => this.state.duplicateLocks.delete(current.duplicateKey),
      });
    }
    if (dupMoves && !options.releaseDuplicateLock) {
      ops.push({
        label: 'duplicate-lock',
        item: `DUP#${next.duplicateKey}`,
        condition: () => !this.state.duplicateLocks.has(next.duplicateKey),
        apply: () => this.state.duplicateLocks.set(next.duplicateKey, id),
      });
    }
    const reserving = options.quota?.op === 'reserve' ? options.quota : undefined;
    if (options.quota && !reserving) ops.push(this.quotaOp(options.quota));
    if (options.insurerEvent) {
      const event = options.insurerEvent;
      ops.push({
        label: 'insurer-event',
        item: `INSURER_EVENT#${event.id}`,
        condition: () => !this.state.insurerEvents.has(event.id),
        apply: () => this.state.insurerEvents.set(event.id, { ...event, applicationId: id, receivedAt: at }),
      });
    }
    if (options.report) ops.push(...this.reportOps(options.report));
    if (options.fundCredit) {
      const credit = options.fundCredit;
      const entryKey = `${credit.campaignId}#${at}#${id}#${entry.seq}`;
      ops.push(
        {
          label: 'fund',
          item: `FUND#${credit.campaignId}`,
          apply: () => {
            const fund = this.state.fund.get(credit.campaignId) ?? { recoveredFen: 0, entries: 0 };
            this.state.fund.set(credit.campaignId, {
              recoveredFen: fund.recoveredFen + credit.amountFen,
              entries: fund.entries + 1,
            });
          },
        },
        {
          label: 'fund-entry',
          item: `FUND#${entryKey}`,
          condition: () => !this.state.fundEntries.has(entryKey),
          apply: () =>
            this.state.fundEntries.set(entryKey, {
              campaignId: credit.campaignId,
              applicationId: id,
              courtCode: current.courtCode,
              highCourtCode: current.highCourtCode,
              amountFen: credit.amountFen,
              reference: credit.reference,
              receivedAt: credit.receivedAt,
              recordedAt: at,
            }),
        },
      );
    }
    const correlationId = currentCorrelationId();
    for (const item of options.outbox ?? []) {
      const key = `${item.applicationId}#${outboxId(item)}`;
      ops.push({
        label: 'outbox',
        item: `OUTBOX#${key}`,
        apply: () => this.state.outbox.set(key, copy(withOutboxCorrelation(item, correlationId))),
      });
    }
    ops.push(...extra(stored));
    if (options.idempotency) ops.push(this.idempotencyPut(options.idempotency, stored));

    const reserved = reserving ? await this.reserveFor(current, reserving, at) : undefined;
    try {
      // The window between the reservation (or the read) and the transaction: other writers, or a crash.
      await this.faults.window();
      transact(ops, this.faults.take());
      return { ok: true, stored: copy(stored) };
    } catch (error) {
      if (reserved) await this.releaseIfAbandoned(reserved);
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (failed.has('idempotency') && options.idempotency) throw this.replay(options.idempotency);
      if (failed.has('duplicate-lock'))
        throw new DuplicateApplicationError(this.state.duplicateLocks.get(next.duplicateKey));
      if (failed.has('quota') && !failed.has('application'))
        throw new QuotaExceededError('The quota cannot cover this.');
      if (failed.has('insurer-event'))
        throw new DuplicateEventError('This insurer event was already processed.');
      if (failed.has('report-marker')) failed.add('application');
      if (
        failed.size === 0 &&
        error.codes().some((c) => c === 'TransactionConflict' || c === 'ThrottlingError')
      ) {
        failed.add('application');
      }
      // A submission's read of the materials holds only under its mark: mark and read again.
      if (closing !== undefined && failed.has('application')) throw new StaleReadError();
      return { ok: false, failed, error };
    }
  }

  private async retrying(
    id: string,
    expectedVersion: number | undefined,
    attempt: (current: ApplicationRecord) => Promise<Attempt>,
    onOtherFailure?: (failed: Set<string>) => void,
  ): Promise<ApplicationRecord> {
    let lastError: unknown;
    for (let i = 0; i < CONFLICT_RETRY.attempts; i++) {
      const current = await this.get(id);
      if (!current) throw new VersionConflictError('The application no longer exists.');
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionConflictError('The application was changed by someone else.');
      }
      const result = await attempt(current);
      if (result.ok) return result.stored;
      onOtherFailure?.(result.failed);
      if (!result.failed.has('application')) throw result.error;
      lastError = result.error;
    }
    if (lastError instanceof MemoryTransactionCanceled && lastError.codes().includes('ThrottlingError'))
      throw lastError;
    throw new ConcurrentUpdateError(
      'The application is being changed concurrently; nothing was written. Retry shortly.',
    );
  }

  update(
    id: string,
    mutate: Mutation,
    opts: UpdateOptions | ((current: ApplicationRecord) => UpdateOptions) = {},
  ): Promise<ApplicationRecord> {
    const optionsOf = typeof opts === 'function' ? opts : () => opts;
    const expectedVersion = typeof opts === 'function' ? undefined : opts.expectedVersion;
    return this.retrying(id, expectedVersion, (current) => this.commit(current, mutate, () => [], optionsOf));
  }

  async recordTaskToken(
    id: string,
    token: { submissionSeq: number; level: number; token: string },
    executionName?: string,
  ): Promise<{ outcome: 'recorded' | 'moved-on'; app: ApplicationRecord | undefined }> {
    await tick();
    const app = this.state.applications.get(id);
    // The domain's guard (domain/lifecycle.ts recordTaskToken), which DynamoDB states as its condition.
    const next = app ? tokenRecorded(app, { ...token, executionName }) : undefined;
    if (!app || !next) return { outcome: 'moved-on', app: app ? copy(app) : undefined };
    // As in DynamoDB: the version moves (a change built on an earlier read is built again), the
    // audit sequence does not.
    app.taskToken = copy(token);
    app.version = next.version;
    return { outcome: 'recorded', app: copy(app) };
  }

  async listOutbox(limit: number, dueBy?: string): Promise<OutboxItem[]> {
    await tick();
    const due = (i: OutboxItem) => `${outboxDueAt(i)}#${i.applicationId}#${outboxId(i)}`;
    return [...this.state.outbox.values()]
      .filter((i) => dueBy === undefined || outboxDueAt(i) <= dueBy)
      .sort((a, b) => due(a).localeCompare(due(b)))
      .slice(0, limit)
      .map((i) => copy(i));
  }

  async deferOutbox(item: OutboxItem, dueAt: string): Promise<void> {
    await tick();
    const key = `${item.applicationId}#${outboxId(item)}`;
    const stored = this.state.outbox.get(key);
    if (!stored) return;
    this.state.outbox.set(key, { ...stored, attempts: (stored.attempts ?? 0) + 1, dueAt });
  }

  async completeOutbox(item: OutboxItem): Promise<void> {
    await tick();
    this.state.outbox.delete(`${item.applicationId}#${outboxId(item)}`);
  }

  async list(scope: ListScope, query: ListQuery): Promise<Page<ApplicationRecord>> {
    await tick();
    const { pkAttr, pk, holds, sortKey = sortKeyOf, ascending = false } = scopeKey(scope);
    const matches = (a: ApplicationRecord) =>
      (!query.status || a.status === query.status) &&
      (!query.campaignId || scope.kind === 'campaign' || a.campaignId === query.campaignId) &&
      (!query.courtOrAncestor ||
        a.courtCode === query.courtOrAncestor ||
        a.ancestors.includes(query.courtOrAncestor)) &&
      (!query.courtCode || scope.kind === 'court' || a.courtCode === query.courtCode);
    // The index partition, newest first (the queue: oldest first); filters apply after each read, as
    // DynamoDB's do.
    const order = ascending ? 1 : -1;
    const partition = [...this.state.applications.values()]
      .filter(holds)
      .sort((a, b) => order * sortKey(a).localeCompare(sortKey(b)));
    const after = (a: ApplicationRecord, from: string) => (ascending ? sortKey(a) > from : sortKey(a) < from);
    let start = decodeCursor(query.cursor, pk, pkAttr);
    const items: ApplicationRecord[] = [];
    let last: ApplicationRecord | undefined;
    let reads = 0;
    do {
      reads++;
      const limit = query.limit - items.length;
      const from = start;
      const read = partition.filter((a) => from === undefined || after(a, from)).slice(0, limit);
      items.push(...read.filter(matches).map((a) => copy(a)));
      // A read that stopped at its limit names where it stopped, even when nothing follows.
      last = read.length === limit ? read[read.length - 1] : undefined;
      start = last ? sortKey(last) : undefined;
    } while (start && items.length < query.limit && reads < LIST_MAX_READS);
    return { items, nextCursor: last ? encodeCursor(pkAttr, pk, last, sortKey) : null };
  }

  async listDue(query: DueQuery): Promise<Page<ApplicationRecord>> {
    await tick();
    const pk = `DUE#${query.highCourtCode}`;
    const dueSk = (a: ApplicationRecord) => `${a.monitoring?.nextDue}#${a.courtCode}#${a.id}`;
    const matches = (a: ApplicationRecord) =>
      (!query.courtOrAncestor ||
        a.courtCode === query.courtOrAncestor ||
        a.ancestors.includes(query.courtOrAncestor)) &&
      (!query.courtCode || a.courtCode === query.courtCode);
    // The sparse index: closed with a check scheduled, in this high court's partition, earliest first.
    const partition = [...this.state.applications.values()]
      .filter(
        (a) => a.status === 'closed' && !!a.monitoring?.nextDue && a.highCourtCode === query.highCourtCode,
      )
      .filter((a) => dueSk(a) <= `${query.before}#\uffff`)
      .sort((a, b) => dueSk(a).localeCompare(dueSk(b)));
    let start = decodeCursor(query.cursor, pk, 'duepk');
    const items: ApplicationRecord[] = [];
    let last: ApplicationRecord | undefined;
    let reads = 0;
    do {
      reads++;
      const limit = query.limit - items.length;
      const from = start;
      const read = partition.filter((a) => from === undefined || dueSk(a) > from).slice(0, limit);
      items.push(...read.filter(matches).map((a) => copy(a)));
      last = read.length === limit ? read[read.length - 1] : undefined;
      start = last ? dueSk(last) : undefined;
    } while (start && items.length < query.limit && reads < LIST_MAX_READS);
    const cursor = last
      ? Buffer.from(
          JSON.stringify({ pk: `APP#${last.id}`, sk: 'APP', duepk: pk, duesk: dueSk(last) }),
        ).toString('base64url')
      : null;
    return { items, nextCursor: cursor };
  }

  /** The next entry of a document's chain, as the DynamoDB adapter writes it (conditioned on its absence). */
  private documentEntry(
    doc: DocumentRecord,
    audit: AuditInput,
    at: string,
  ): { entry: AuditEntry; op: Operation } {
    const entry = chain({ auditSeq: doc.auditSeq ?? 0, auditHead: doc.auditHead ?? GENESIS_HASH }, audit, at);
    const key = `${doc.applicationId}#${doc.documentId}`;
    return {
      entry,
      op: {
        label: 'document-audit',
        item: `APP#${doc.applicationId}#DOCAUDIT#${doc.documentId}#${entry.seq}`,
        condition: () => !this.state.documentAudit.get(key)?.has(entry.seq),
        apply: () => {
          let t = this.state.documentAudit.get(key);
          if (!t) {
            t = new Map();
            this.state.documentAudit.set(key, t);
          }
          t.set(entry.seq, copy(entry));
        },
      },
    };
  }

  async addDocuments(
    grants: readonly DocumentGrant[],
    idempotency?: IdempotentWrite<DocumentRecord[]>,
    basis?: GrantBasis,
  ): Promise<DocumentRecord[]> {
    await tick();
    const applicationId = grants[0]?.doc.applicationId;
    if (applicationId === undefined || grants.some((g) => g.doc.applicationId !== applicationId)) {
      throw new Error('addDocuments: one or more documents, all of one application.');
    }
    const ops: Operation[] = [];
    const stored = grants.map(({ doc, audit }) => {
      const at = audit.at ?? this.now().toISOString();
      const { entry, op } = this.documentEntry({ ...doc, auditSeq: 0, auditHead: GENESIS_HASH }, audit, at);
      const record: DocumentRecord = { ...copy(doc), auditSeq: entry.seq, auditHead: entry.hash };
      ops.push(
        {
          label: 'document',
          item: `APP#${applicationId}#DOC#${doc.documentId}`,
          condition: () => !this.state.documents.get(applicationId)?.has(doc.documentId),
          apply: () => {
            let docs = this.state.documents.get(applicationId);
            if (!docs) {
              docs = new Map();
              this.state.documents.set(applicationId, docs);
            }
            docs.set(doc.documentId, copy(record));
          },
        },
        op,
      );
      return record;
    });
    if (basis) {
      ops.push({
        label: 'application',
        item: `APP#${applicationId}`,
        condition: () => matchesGrantBasis(this.state.applications.get(applicationId), basis),
        apply: () => {},
      });
    }
    if (idempotency) ops.push(this.idempotencyPut(idempotency, stored));
    await this.faults.window();
    try {
      transact(ops, this.faults.take());
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      if (idempotency && error.failed().has('idempotency')) throw this.replay(idempotency);
      if (error.failed().has('application')) {
        throw new GrantBasisMismatch(copy(this.state.applications.get(applicationId)));
      }
      throw error;
    }
    return stored.map(copy);
  }

  async getWithMaterials(applicationId: string): Promise<{
    app: ApplicationRecord | undefined;
    documents: DocumentRecord[];
  }> {
    const [app, materials] = await Promise.all([this.get(applicationId), this.readMaterials(applicationId)]);
    return { app, ...materials };
  }

  async getWithDocument(
    applicationId: string,
    documentId: string,
  ): Promise<{ app: ApplicationRecord | undefined; doc: DocumentRecord | undefined }> {
    const [app, doc] = await Promise.all([
      this.get(applicationId),
      this.getDocument(applicationId, documentId),
    ]);
    return { app, doc };
  }

  async getDocument(applicationId: string, documentId: string): Promise<DocumentRecord | undefined> {
    await tick();
    return copy(this.state.documents.get(applicationId)?.get(documentId));
  }

  async readMaterials(applicationId: string): Promise<{ documents: DocumentRecord[] }> {
    return { documents: await this.listDocuments(applicationId) };
  }

  async closeMaterials(
    applicationId: string,
    courtCode: string,
  ): Promise<{ app: ApplicationRecord | undefined; documents: DocumentRecord[]; closing?: string }> {
    await tick();
    const app = this.state.applications.get(applicationId);
    if (!app || app.courtCode !== courtCode || !isWithClerk(app.status)) {
      return { app: copy(app), documents: [] };
    }
    // Unique: a second submission marking meanwhile must not pass for this one.
    const closing = `${this.now().toISOString()}#${++this.marks}`;
    this.state.materialsClosing.set(applicationId, closing);
    const marked = copy(app);
    return { app: marked, documents: await this.listDocuments(applicationId), closing };
  }

  async reopenMaterials(applicationId: string, closing: string): Promise<void> {
    await tick();
    if (this.state.materialsClosing.get(applicationId) === closing) {
      this.state.materialsClosing.delete(applicationId);
    }
  }

  async listDocuments(applicationId: string): Promise<DocumentRecord[]> {
    await tick();
    // Read in key order (by document id), then ordered by creation, as the DynamoDB adapter does.
    return [...(this.state.documents.get(applicationId)?.values() ?? [])]
      .sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((d) => copy(d));
  }

  async settleDocument(
    doc: DocumentRecord,
    outcome: {
      status: 'uploaded' | 'rejected';
      at: string;
      reason: string | null;
      from?: 'pending' | 'uploaded';
      review?: DocumentReview;
    },
    audit: AuditInput,
    options: {
      application?: ApplicationRecord;
      idempotency?: IdempotentWrite<DocumentRecord>;
      granted?: GrantedUpload;
    } = {},
  ): Promise<DocumentSettlement> {
    await tick();
    const granted = options.granted;
    const from = outcome.from ?? 'pending';
    const row = () => this.state.documents.get(doc.applicationId)?.get(doc.documentId);
    const at = this.now().toISOString();
    const { entry, op } = this.documentEntry(doc, audit, at);
    const stored: DocumentRecord = {
      ...copy(doc),
      status: outcome.status,
      rejectedReason: outcome.reason,
      ...(from === 'uploaded' ? {} : { uploadedAt: outcome.status === 'uploaded' ? outcome.at : null }),
      ...(outcome.review ? { review: copy(outcome.review) } : {}),
      auditSeq: entry.seq,
      auditHead: entry.hash,
    };
    const ops: Operation[] = [
      {
        label: 'document',
        item: `APP#${doc.applicationId}#DOC#${doc.documentId}`,
        condition: () => {
          const d = row();
          if (d?.status !== from || d.auditSeq !== doc.auditSeq) return false;
          // Settled from the key's facts: exactly the document granted, with the declared object.
          return (
            !granted ||
            (d.s3Key === doc.s3Key &&
              d.auditHead === granted.auditHead &&
              d.type === doc.type &&
              d.sizeBytes === granted.sizeBytes &&
              d.sha256 === granted.sha256 &&
              (granted.contentType === undefined || d.contentType === granted.contentType))
          );
        },
        apply: () => {
          const d = row() as DocumentRecord;
          d.status = outcome.status;
          d.rejectedReason = outcome.reason;
          if (outcome.review) d.review = copy(outcome.review);
          // A document leaving `uploaded` keeps the time it was uploaded.
          if (from !== 'uploaded') d.uploadedAt = outcome.status === 'uploaded' ? outcome.at : null;
          d.auditSeq = entry.seq;
          d.auditHead = entry.hash;
        },
      },
      op,
    ];
    const entering = from === 'pending' && outcome.status === 'uploaded';
    const app = options.application;
    // Entering the materials: only while the application is with the clerk at the grant's submission;
    // it takes a submission's mark away (the DynamoDB adapter: refused for the mark, written again).
    const expected = granted
      ? granted.application
      : entering && !app
        ? { status: WITH_CLERK, submissionSeq: doc.submissionSeqAtGrant ?? 0 }
        : undefined;
    if (expected) {
      ops.push({
        label: 'application',
        item: `APP#${doc.applicationId}`,
        condition: () => {
          const now = this.state.applications.get(doc.applicationId);
          const statuses: readonly string[] =
            typeof expected.status === 'string' ? [expected.status] : expected.status;
          return (
            now !== undefined &&
            (!('courtCode' in expected) || now.courtCode === expected.courtCode) &&
            statuses.includes(now.status) &&
            (now.submission?.seq ?? 0) === expected.submissionSeq
          );
        },
        apply: () => {
          if (entering) this.state.materialsClosing.delete(doc.applicationId);
        },
      });
    }
    if (app) {
      ops.push({
        label: 'application',
        item: `APP#${app.id}`,
        condition: () => {
          const now = this.state.applications.get(app.id);
          return (
            now?.version === app.version &&
            now.auditSeq === app.auditSeq &&
            now.docsVersion === app.docsVersion
          );
        },
        apply: () => {
          const now = this.state.applications.get(app.id);
          if (now) now.docsVersion = (app.docsVersion ?? 0) + 1;
          if (entering) this.state.materialsClosing.delete(app.id);
        },
      });
    }
    if (options.idempotency) ops.push(this.idempotencyPut(options.idempotency, stored));
    await this.faults.window();
    try {
      transact(ops, this.faults.take());
      return 'settled';
    } catch (error) {
      if (!(error instanceof MemoryTransactionCanceled)) throw error;
      const failed = error.failed();
      if (options.idempotency && failed.has('idempotency')) throw this.replay(options.idempotency);
      if (failed.has('document')) return 'document-changed';
      if (failed.has('application')) return 'application-changed';
      if (error.codes().includes('TransactionConflict')) return 'document-changed';
      throw error;
    }
  }

  async readTrail(applicationId: string): Promise<ApplicationTrail> {
    await tick();
    const application = [...(this.state.audit.get(applicationId)?.values() ?? [])]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => copy(e));
    const documents: DocumentChain[] = [];
    // In key order (by document id), as the DynamoDB adapter reads them.
    const docs = [...(this.state.documents.get(applicationId)?.values() ?? [])].sort((a, b) =>
      a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0,
    );
    const ids = new Set(docs.map((d) => d.documentId));
    for (const key of this.state.documentAudit.keys()) {
      const [app, documentId] = key.split('#');
      if (app === applicationId && documentId && !ids.has(documentId)) ids.add(documentId);
    }
    for (const documentId of [...ids].sort()) {
      const d = docs.find((x) => x.documentId === documentId);
      const entries = [...(this.state.documentAudit.get(`${applicationId}#${documentId}`)?.values() ?? [])]
        .sort((a, b) => a.seq - b.seq)
        .map((e) => copy(e));
      if (entries.length === 0 && d?.auditSeq === undefined) continue;
      documents.push({
        documentId,
        entries,
        head: { seq: d?.auditSeq ?? 0, hash: d?.auditHead ?? GENESIS_HASH },
      });
    }
    return { application, documents };
  }

  async listAudit(applicationId: string): Promise<AuditEntry[]> {
    const trail = await this.readTrail(applicationId);
    return mergeTrail(trail.application, trail.documents);
  }

  async hasInsurerEvent(id: string): Promise<boolean> {
    await tick();
    return this.state.insurerEvents.has(id);
  }

  async getFund(campaignId: string): Promise<{ recoveredFen: number; entries: number }> {
    await tick();
    const fund = this.state.fund.get(campaignId);
    return { recoveredFen: fund?.recoveredFen ?? 0, entries: fund?.entries ?? 0 };
  }

  async listFundEntries(campaignId: string): Promise<FundEntry[]> {
    await tick();
    return [...this.state.fundEntries.entries()]
      .filter(([, e]) => e.campaignId === campaignId)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => ({ ...e }));
  }

  async recordIdempotency<T>(write: IdempotentWrite<T>, result: T): Promise<void> {
    await tick();
    try {
      transact([this.idempotencyPut(write, result)], this.faults.take());
    } catch (error) {
      if (error instanceof MemoryTransactionCanceled && error.failed().has('idempotency')) {
        throw this.replay(write);
      }
      throw error;
    }
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    await tick();
    return copy(this.state.idempotency.get(idempotencyKey(scope, key)));
  }

  async listInFlight(query: SweepQuery): Promise<SweepPage<ApplicationRecord>> {
    await tick();
    const rows = [...this.state.applications.values()]
      .filter((a) => isInFlight(a.status) && a.updatedAt <= query.before)
      .map((a) => ({ key: `${a.updatedAt}#${a.id}`, item: copy(a) }));
    return sweepPage(rows, query);
  }

  async listPendingUploads(query: SweepQuery): Promise<SweepPage<DocumentRecord>> {
    await tick();
    const rows: { key: string; item: DocumentRecord }[] = [];
    for (const docs of this.state.documents.values()) {
      for (const d of docs.values()) {
        if (d.status !== 'pending' || d.createdAt > query.before) continue;
        if (this.retiredUploads.has(`${d.applicationId}#${d.documentId}`)) continue;
        rows.push({ key: `${d.createdAt}#${d.applicationId}#${d.documentId}`, item: copy(d) });
      }
    }
    return sweepPage(rows, query);
  }

  async retirePendingUpload(doc: DocumentRecord): Promise<void> {
    await tick();
    const current = this.state.documents.get(doc.applicationId)?.get(doc.documentId);
    // Settled meanwhile: the settlement took it off the index already.
    if (current?.status === 'pending') this.retiredUploads.add(`${doc.applicationId}#${doc.documentId}`);
  }

  async getSweepCursor(name: string): Promise<string | null> {
    await tick();
    return this.sweepCursors.get(name) ?? null;
  }

  async putSweepCursor(name: string, cursor: string | null): Promise<void> {
    await tick();
    this.sweepCursors.set(name, cursor);
  }
}

/** The record with the token on it, or undefined when the token is not recorded (refused, or answered at once). */
function tokenRecorded(app: ApplicationRecord, input: TaskTokenInput): ApplicationRecord | undefined {
  try {
    const t = recordTaskToken(app, input);
    return t.effects.answer ? undefined : t.next;
  } catch (error) {
    if (error instanceof LifecycleRefusal) return undefined;
    throw error;
  }
}
