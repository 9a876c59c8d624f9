import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isInFlight, WITH_CLERK } from '../../domain/application.ts';
import { type DocumentChain, mergeTrail } from '../../domain/application-trail.ts';
import { waitingSince } from '../../domain/approval-queue.ts';
import { GENESIS_HASH, nextEntry } from '../../domain/audit-chain.ts';
import { abandonedReservation, quotaMovement, reservationKey } from '../../domain/quota.ts';
import { courtIncrements, highCourtIncrements, reportMarkers } from '../../domain/report.ts';
import { currentCorrelationId } from '../../lib/correlation.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import { invocationScope } from '../../lib/invocation.ts';
import { backoffMs, CONFLICT_RETRY, StaleReadError, sleep } from '../../lib/retry.ts';
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
  type IdempotentWrite,
  LIST_MAX_READS,
  type ListQuery,
  type ListScope,
  type Mutation,
  type OutboxItem,
  outboxDueAt,
  outboxId,
  type Page,
  type QuotaChange,
  QuotaExceededError,
  type ReportDelta,
  type Submission,
  type SweepPage,
  type SweepQuery,
  type UpdateOptions,
  VersionConflictError,
  withOutboxCorrelation,
} from '../../ports/applications.ts';
import { applicationChainId, documentAuditSk, documentChainId, sealPendingPut } from './audit-chains.ts';
import { approvalMarkSk, approvalsCounterSk, approvalsPk } from './campaigns.ts';
import { idempotencyPut, readIdempotency, replayOf } from './idempotency.ts';
import { batchGetAll } from './query.ts';
import { quotaKey, reservationAttr } from './quota-keys.ts';
import { reserveEntry, settleEntry } from './quota-reservations.ts';
import { type Cancellation, type Labelled, type TransactItem, writeLabelled } from './transaction.ts';

const APP_SK = 'APP';

/** A reservation this attempt took (or found taken by the same read) before its transaction. */
type Reserved = QuotaChange & { key: string; version: number; applicationId: string };
const INSURER_EVENT_TTL_SECONDS = 90 * 24 * 3600;

const appPk = (id: string) => `APP#${id}`;
const auditSk = (seq: number) => `AUDIT#${String(seq).padStart(10, '0')}`;
const docSk = (documentId: string) => `DOC#${documentId}`;
/**
 * After every document id: the end of the documents' range. The material slots of earlier versions
 * (DOC#~<type>) sort after it; they may stay in the table, nothing reads them.
 */
const DOCUMENTS_END = 'DOC#~';
/**
 * A submission's mark on the application item (closeMaterials), no part of the record: read back into
 * none, so every whole write of the application (the submission's own, or any change that beat it)
 * removes it.
 */
const CLOSING = 'materialsClosing';
/** The mark on an application item a refusal returned, if any. */
function markOn(item: Record<string, unknown> | undefined): string | undefined {
  const mark = item ? unmarshall(item as never)[CLOSING] : undefined;
  return typeof mark === 'string' ? mark : undefined;
}
const dupPk = (key: string) => `DUP#${key}`;

const KEY_ATTRS = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
  'gsi5pk',
  'gsi5sk',
  'duepk',
  'duesk',
  'entity',
];

/** Partitions of each gsi4 family (infra/table-design.ts): a sweep reads them in turn. */
export const IN_FLIGHT_SHARDS = 16;

/** Statuses in which a workflow must be alive: such applications are on the in-flight index (gsi4). */

/** A stable shard of the gsi4 families for an id (FNV-1a), so an item always lands in the same partition. */
export function shardOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % IN_FLIGHT_SHARDS;
}

const inFlightKeys = (app: ApplicationRecord) =>
  isInFlight(app.status)
    ? { gsi4pk: `INFLIGHT#${shardOf(app.id)}`, gsi4sk: `${app.updatedAt}#${app.id}` }
    : {};

/** The approver's queue (gsi5): present only while the application waits at a court. */
function queueKeys(app: ApplicationRecord) {
  const since = waitingSince(app);
  return since && app.pendingAt ? { gsi5pk: `PENDING#${app.pendingAt}`, gsi5sk: `${since}#${app.id}` } : {};
}

/** The outbox is a gsi4 family too, sharded by application, sorted by when each item is due. */
const outboxKeys = (item: OutboxItem) => ({
  gsi4pk: `OUTBOX#${shardOf(item.applicationId)}`,
  gsi4sk: `${outboxDueAt(item)}#${item.applicationId}#${outboxId(item)}`,
});

const pendingUploadKeys = (doc: DocumentRecord) =>
  doc.status === 'pending'
    ? {
        gsi4pk: `UPLOAD#${shardOf(doc.documentId)}`,
        gsi4sk: `${doc.createdAt}#${doc.applicationId}#${doc.documentId}`,
      }
    : {};

/** The sparse due index (infra/table-design.ts `due`): only a closed application with a check scheduled. */
const dueKeys = (app: ApplicationRecord) =>
  app.status === 'closed' && app.monitoring?.nextDue
    ? { duepk: `DUE#${app.highCourtCode}`, duesk: `${app.monitoring.nextDue}#${app.courtCode}#${app.id}` }
    : {};

function strip<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.includes(k) && k !== CLOSING) out[k] = v;
  return (item.sk === APP_SK && item.entity === 'application' ? expandedRecord(out) : out) as T;
}

/** The documents among items of the documents' range, in the order they were granted. */
function documentsOf(items: Record<string, unknown>[]): DocumentRecord[] {
  return items
    .filter((i) => i.entity === 'document')
    .map((i) => strip<DocumentRecord>(i))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * A decision's evidence set as stored when it is exactly its submission's (the materials froze there):
 * `evidence: 'submission'` in place of the six {documentId, type, sha256} the submission already
 * holds — about 800 bytes per decision, on an item every later transaction rewrites whole. Each decision
 * still records what it saw: the marker is written only when the set is identical (same documents, same
 * hashes, same order) and read back as that set; any other set is stored in full. The audit entry of
 * each decision carries the hashes itself. Items stored before the marker read as they are.
 */
const EVIDENCE_AS_SUBMITTED = 'submission';

/** The record's decisions as stored (see EVIDENCE_AS_SUBMITTED). */
function storedDecisions(app: ApplicationRecord): Record<string, unknown>[] | undefined {
  const submission = app.submission;
  const submitted = submission?.documents ? JSON.stringify(submission.documents) : undefined;
  return app.decisions?.map((decision) => {
    if (
      !submitted ||
      decision.submissionSeq !== submission?.seq ||
      !decision.documents ||
      JSON.stringify(decision.documents) !== submitted
    )
      return decision as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decision)) {
      if (k === 'documents') out.evidence = EVIDENCE_AS_SUBMITTED;
      else out[k] = v;
    }
    return out;
  });
}

/** The stored record with each decision's evidence set in full again (see EVIDENCE_AS_SUBMITTED). */
function expandedRecord(stored: Record<string, unknown>): Record<string, unknown> {
  const decisions = stored.decisions as Record<string, unknown>[] | undefined;
  if (!Array.isArray(decisions) || !decisions.some((d) => d.evidence === EVIDENCE_AS_SUBMITTED))
    return stored;
  const submission = stored.submission as Submission | null | undefined;
  const expanded = decisions.map((decision) => {
    if (decision.evidence !== EVIDENCE_AS_SUBMITTED) return decision;
    if (!submission?.documents || submission.seq !== decision.submissionSeq)
      throw new Error("A decision names its submission's evidence set, which is not stored.");
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decision)) {
      if (k === 'evidence') out.documents = submission.documents.map((d) => ({ ...d }));
      else out[k] = v;
    }
    return out;
  });
  return { ...stored, decisions: expanded };
}

function appItem(app: ApplicationRecord): Record<string, unknown> {
  const sortKey = `${app.createdAt}#${app.id}`;
  return {
    pk: appPk(app.id),
    sk: APP_SK,
    entity: 'application',
    gsi1pk: `COURT#${app.courtCode}`,
    gsi1sk: sortKey,
    gsi2pk: `HIGH#${app.highCourtCode}`,
    gsi2sk: sortKey,
    gsi3pk: `CAMPAIGN#${app.campaignId}`,
    gsi3sk: sortKey,
    ...inFlightKeys(app),
    ...queueKeys(app),
    ...dueKeys(app),
    ...app,
    ...(app.decisions ? { decisions: storedDecisions(app) } : {}),
  };
}

/**
 * Every item the repository's transactions leave for an application as it stands — the record with
 * its index keys, its duplicate lock (while it holds one), its documents, its audit entries, its open
 * outbox items and its chain's seal mark — for fixtures that load hundreds of applications at once
 * (BatchWriteItem) rather than replay each one's transactions. Report counters are not included.
 */
export function storedApplicationItems(
  tableName: string,
  parts: {
    app: ApplicationRecord;
    documents: readonly DocumentRecord[];
    audit: readonly AuditEntry[];
    outbox: readonly OutboxItem[];
  },
): Record<string, unknown>[] {
  const { app } = parts;
  const last = parts.audit.at(-1);
  return [
    appItem(app),
    { pk: dupPk(app.duplicateKey), sk: 'DUP', entity: 'duplicate-lock', applicationId: app.id },
    ...parts.documents.map((doc) => ({
      pk: appPk(app.id),
      sk: docSk(doc.documentId),
      entity: 'document',
      ...pendingUploadKeys(doc),
      ...doc,
    })),
    ...parts.audit.map((entry) => ({ pk: appPk(app.id), sk: auditSk(entry.seq), entity: 'audit', ...entry })),
    ...parts.outbox.map((item) => ({
      pk: appPk(item.applicationId),
      sk: `OUTBOX#${outboxId(item)}`,
      entity: 'outbox',
      ...outboxKeys(item),
      ...item,
    })),
    ...(last ? [sealPendingPut(tableName, applicationChainId(app.id), last.seq, last.at).Put.Item] : []),
  ];
}

/** Builds the next audit entry on top of `current`'s chain head. */
function chain(
  current: { auditSeq: number; auditHead: string },
  input: AuditInput,
  at: string,
): { entry: AuditEntry } {
  return { entry: nextEntry(current, input, at) };
}

/** `attr = :value`, or its absence when the value read was absent (items stored before the attribute). */
function sameAs(attr: string, placeholder: string, value: unknown): string {
  return value === undefined ? `attribute_not_exists(${attr})` : `${attr} = ${placeholder}`;
}

/** The head of a document's chain (a document stored before documents had chains: an empty chain). */
const docHead = (doc: DocumentRecord) => ({
  auditSeq: doc.auditSeq ?? 0,
  auditHead: doc.auditHead ?? GENESIS_HASH,
});

/**
 * The final approval's high-water mark for the campaign and its high court's counter (see
 * DynamoCampaignStore `approvalsPk`): the SPC may not lower the campaign's limits below a claim it
 * already approved. One mark, of the approval's kind.
 */
function approvalMarks(tableName: string, app: ApplicationRecord): Labelled[] {
  const pk = approvalsPk(app.campaignId);
  const claim = app.case?.claimAmountFen;
  if (!Number.isSafeInteger(claim)) return [];
  const kind = (app.specialCircumstance?.reason ?? '').trim() !== '' ? 'SPECIAL' : 'STANDARD';
  return [
    [
      'approval-mark',
      {
        Put: {
          TableName: tableName,
          Item: { pk, sk: approvalMarkSk(kind, claim as number, app.highCourtCode), entity: 'approval-mark' },
        },
      },
    ],
    [
      'approval-counter',
      {
        Update: {
          TableName: tableName,
          Key: { pk, sk: approvalsCounterSk(app.highCourtCode) },
          UpdateExpression: 'ADD approvals :one SET entity = :e',
          ExpressionAttributeValues: { ':one': 1, ':e': 'approval-counter' },
        },
      },
    ],
  ];
}

/**
 * The id of the application holding a duplicate lock, from the lock item a cancelled transaction
 * returned. The document client does not unmarshall CancellationReasons: the attribute arrives typed.
 */
function lockHolder(item: Record<string, unknown> | undefined): string | undefined {
  const value = item?.applicationId;
  return typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S;
}

function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

const applicationsUnreadable = () =>
  new ConcurrentUpdateError('The applications could not be read now. Retry shortly.');

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

function decodeCursor(
  cursor: string | undefined,
  expectedPk: string,
  pkAttr: string,
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof key !== 'object' || key === null || Array.isArray(key) || key[pkAttr] !== expectedPk)
      throw new Error('foreign cursor');
    // Exactly the index's key and the table's key, as DynamoDB returned them: nothing else is a cursor.
    const skAttr = pkAttr.replace(/pk$/, 'sk');
    const expected = ['pk', 'sk', pkAttr, skAttr].sort().join(',');
    if (Object.keys(key).sort().join(',') !== expected) throw new Error('bad cursor');
    for (const v of Object.values(key))
      if (typeof v !== 'string' || v.length > 512) throw new Error('bad cursor');
    if (!String(key.pk).startsWith('APP#') || key.sk !== APP_SK) throw new Error('bad cursor');
    return key;
  } catch {
    throw new InvalidCursorError('The cursor is not valid for this list.');
  }
}

/** How long, and for how many applications, a read is remembered for the change that follows it. */
const SEEN_MS = 10_000;
const SEEN_MAX = 256;

/**
 * DynamoDB adapter for applications, their documents, audit trail and idempotency records
 * (single table, see infra/table-design.ts). Every change and its audit entry go in one
 * TransactWriteItems call, conditioned on the version and audit sequence that were read.
 */
export class DynamoApplicationRepository implements ApplicationRepository {
  /** The outbox shard the next listOutbox starts with. */
  private outboxStart = 0;
  /**
   * Within one invocation (lib/invocation.ts: a request, a task, an event), the latest consistent read
   * or successful write of each application, kept for SEEN_MS: a change's first attempt builds on it
   * instead of reading the item again, so a request reads its application once. Safe because every
   * change is conditioned on the version and audit sequence it was built on: if the item moved
   * meanwhile, the write is cancelled and the retry reads. Never shared between invocations.
   */
  private seen(): Map<string, { record: ApplicationRecord; at: number }> | undefined {
    const scope = invocationScope();
    if (!scope) return undefined;
    const key = `applications:${this.tableName}`;
    let seen = scope.get(key) as Map<string, { record: ApplicationRecord; at: number }> | undefined;
    if (!seen) {
      seen = new Map();
      scope.set(key, seen);
    }
    return seen;
  }

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    app: ApplicationRecord,
    audit: AuditInput,
    idempotency?: IdempotentWrite<ApplicationRecord>,
  ): Promise<ApplicationRecord> {
    const base: ApplicationRecord = { ...app, auditSeq: 0, auditHead: GENESIS_HASH };
    const { entry } = chain(base, audit, app.createdAt);
    const stored: ApplicationRecord = { ...base, auditSeq: entry.seq, auditHead: entry.hash };
    const labelled: Labelled[] = [
      [
        'application',
        {
          Put: {
            TableName: this.tableName,
            Item: appItem(stored),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      [
        'duplicate-lock',
        {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: dupPk(app.duplicateKey),
              sk: 'DUP',
              entity: 'duplicate-lock',
              applicationId: app.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      [
        'audit',
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: appPk(app.id), sk: auditSk(entry.seq), entity: 'audit', ...entry },
          },
        },
      ],
    ];
    if (idempotency) {
      labelled.push(['idempotency', idempotencyPut(this.tableName, idempotency, stored, this.now())]);
    }
    labelled.push([
      'seal-pending',
      sealPendingPut(this.tableName, applicationChainId(app.id), entry.seq, entry.at),
    ]);
    const cancelled = await writeLabelled(this.doc, labelled);
    if (cancelled) throw (await this.refusal(cancelled, idempotency)) ?? cancelled.error;
    return stored;
  }

  async get(id: string): Promise<ApplicationRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: appPk(id), sk: APP_SK }, ConsistentRead: true }),
    );
    const record = out.Item ? strip<ApplicationRecord>(out.Item) : undefined;
    if (record) this.remember(record);
    return record;
  }

  /**
   * One consistent BatchGetItem per 100 distinct ids (unprocessed keys read again with backoff); each
   * record found is remembered, so the change that follows builds on it without reading it again.
   */
  async getMany(ids: readonly string[]): Promise<Map<string, ApplicationRecord>> {
    const found = new Map<string, ApplicationRecord>();
    const keys = [...new Set(ids)].map((id) => ({ pk: appPk(id), sk: APP_SK }));
    const items = await batchGetAll(this.doc, this.tableName, keys, {
      consistent: true,
      requests: CONFLICT_RETRY.attempts,
      giveUp: applicationsUnreadable,
    });
    for (const item of items) {
      const record = strip<ApplicationRecord>(item);
      found.set(record.id, record);
      this.remember(record);
    }
    return found;
  }

  /** See `seen`. A copy, so that a caller changing its record in place cannot change what is remembered. */
  private remember(record: ApplicationRecord): void {
    const seen = this.seen();
    if (!seen) return;
    seen.delete(record.id);
    seen.set(record.id, { record: structuredClone(record), at: Date.now() });
    if (seen.size > SEEN_MAX) seen.delete(seen.keys().next().value as string);
  }

  /** The remembered record if it is recent (and remembered at or after `notBefore`), once. */
  private recall(id: string, notBefore = 0): ApplicationRecord | undefined {
    const seen = this.seen();
    const hit = seen?.get(id);
    seen?.delete(id);
    return hit && hit.at >= notBefore && Date.now() - hit.at <= SEEN_MS ? hit.record : undefined;
  }

  /** A reservation, release or commit (domain/quota.ts quotaMovement) as one conditioned counter update. */
  private quotaUpdate(change: QuotaChange): TransactItem {
    const key = quotaKey(change.campaignId, change.highCourtCode);
    const movement = quotaMovement(change.op);
    const sets = movement.moves.map(([c, sign]) => `${c} = ${c} ${sign < 0 ? '-' : '+'} :a`);
    // A payout's commit or release also removes the approval's reservation entry if it is still there.
    const entry = change.key && change.op !== 'reserve' ? reservationAttr(change.key) : undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        ExpressionAttributeValues: { ':a': change.amountFen, ':one': 1 },
        UpdateExpression: `SET ${sets.join(', ')}, version = version + :one${entry ? ' REMOVE #e' : ''}`,
        ConditionExpression: `${movement.covers} >= :a`,
        ...(entry ? { ExpressionAttributeNames: { '#e': entry } } : {}),
      },
    };
  }

  /**
   * A final approval's reservation, taken before its transaction by one conditional UpdateItem on the
   * quota row (adapters/dynamodb/quota-reservations.ts); QuotaExceededError when the quota cannot cover
   * it. An entry already there (this read's retry or replay) is this decision's: reserved once.
   */
  private async reserveFor(current: ApplicationRecord, change: QuotaChange, at: string): Promise<Reserved> {
    const key = change.key ?? reservationKey(current);
    const entry = { applicationId: current.id, version: current.version, amountFen: change.amountFen, at };
    const outcome = await reserveEntry(this.doc, this.tableName, { ...change, key }, entry);
    if (outcome === 'exceeded') throw new QuotaExceededError('The quota cannot cover this.');
    return { ...change, key, version: current.version, applicationId: current.id };
  }

  /**
   * After the decision's transaction failed: releases its reservation if the application (as the
   * refusal carried it back, else read again) moved past the version it was taken on without recording
   * it — then no transaction carrying it can ever commit (domain/quota.ts abandonedReservation).
   * Otherwise it stays: a retry on the same read reuses it, the repair sweep settles it.
   */
  private async releaseIfAbandoned(reserved: Reserved, now?: ApplicationRecord): Promise<void> {
    try {
      const app = now ?? (await this.get(reserved.applicationId));
      if (!abandonedReservation(reserved.key, reserved, app)) return;
      await settleEntry(this.doc, this.tableName, reserved, 'release');
    } catch {
      // Left for the repair sweep (usecases/quota-reservations.ts): never overspent meanwhile.
    }
  }

  private outboxPut(written: OutboxItem): TransactItem {
    const item = withOutboxCorrelation(written, currentCorrelationId());
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: appPk(item.applicationId),
          sk: `OUTBOX#${outboxId(item)}`,
          entity: 'outbox',
          ...outboxKeys(item),
          ...item,
        },
      },
    };
  }

  /**
   * Writes `next` + its audit entry (+ the options' quota, outbox and lock items, + `extra`) iff the
   * stored record is still `current`. Items are labelled so a cancellation names what failed.
   */
  private async commit(
    current: ApplicationRecord,
    mutate: Mutation,
    extra: (next: ApplicationRecord) => Labelled[],
    optionsOf: (current: ApplicationRecord) => UpdateOptions = () => ({}),
  ): Promise<
    | { ok: true; stored: ApplicationRecord }
    | { ok: false; failed: Set<string>; error: unknown; codes: readonly (string | undefined)[] }
  > {
    const { next, audit } = mutate(current);
    const options = optionsOf(current);
    const closing = options.freezeMaterials?.closing;
    const at = this.now().toISOString();
    const { entry } = chain(current, audit, at);
    const stored: ApplicationRecord = { ...next, updatedAt: at, auditSeq: entry.seq, auditHead: entry.hash };
    const labelled: Labelled[] = [
      [
        'application',
        {
          Put: {
            TableName: this.tableName,
            Item: appItem(stored),
            // docsVersion too: a whole-item Put built on an earlier read would undo a document change
            // an approver must see (and build on documents as they were).
            // A submission's, also under its own mark (closeMaterials): no upload entered since its read.
            ConditionExpression: `version = :v AND auditSeq = :s AND ${sameAs('docsVersion', ':d', current.docsVersion)}${
              closing === undefined ? '' : ` AND ${CLOSING} = :closing`
            }`,
            ExpressionAttributeValues: {
              ':v': current.version,
              ':s': current.auditSeq,
              ...(current.docsVersion === undefined ? {} : { ':d': current.docsVersion }),
              ...(closing === undefined ? {} : { ':closing': closing }),
            },
            // Lost to another change: the item as it is now comes back with the refusal, so the
            // retry builds on it without reading it again.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      [
        'audit',
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: appPk(current.id), sk: auditSk(entry.seq), entity: 'audit', ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    ];
    const dupMoves = next.duplicateKey !== current.duplicateKey;
    if (dupMoves || options.releaseDuplicateLock) {
      labelled.push([
        'duplicate-release',
        {
          Delete: {
            TableName: this.tableName,
            Key: { pk: dupPk(current.duplicateKey), sk: 'DUP' },
            ConditionExpression: 'attribute_not_exists(pk) OR applicationId = :id',
            ExpressionAttributeValues: { ':id': current.id },
          },
        },
      ]);
    }
    if (dupMoves && !options.releaseDuplicateLock) {
      labelled.push([
        'duplicate-lock',
        {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: dupPk(next.duplicateKey),
              sk: 'DUP',
              entity: 'duplicate-lock',
              applicationId: current.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
    }
    // A final approval reserves by its own conditional update (below), not inside the transaction.
    const reserving = options.quota?.op === 'reserve' ? options.quota : undefined;
    if (options.quota && !reserving) labelled.push(['quota', this.quotaUpdate(options.quota)]);
    if (reserving) labelled.push(...approvalMarks(this.tableName, current));
    if (options.insurerEvent) {
      labelled.push([
        'insurer-event',
        {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: `INSURER_EVENT#${options.insurerEvent.id}`,
              sk: 'EVENT',
              entity: 'insurer-event',
              ...options.insurerEvent,
              applicationId: current.id,
              receivedAt: at,
              // Kept well beyond the insurer's retry window (days), then expired by TTL.
              expiresAtEpoch: Math.floor(this.now().getTime() / 1000) + INSURER_EVENT_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
    }
    if (options.report) labelled.push(...(await this.reportItems(options.report)));
    if (options.fundCredit) {
      const credit = options.fundCredit;
      labelled.push(
        [
          'fund',
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: `FUND#${credit.campaignId}`, sk: 'FUND' },
              UpdateExpression: 'ADD recoveredFen :a, entries :one SET entity = :e',
              ExpressionAttributeValues: { ':a': credit.amountFen, ':one': 1, ':e': 'relief-fund' },
            },
          },
        ],
        [
          'fund-entry',
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `FUND#${credit.campaignId}`,
                sk: `ENTRY#${at}#${current.id}#${entry.seq}`,
                entity: 'relief-fund-entry',
                applicationId: current.id,
                courtCode: current.courtCode,
                highCourtCode: current.highCourtCode,
                amountFen: credit.amountFen,
                reference: credit.reference,
                receivedAt: credit.receivedAt,
                recordedAt: at,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      );
    }
    for (const item of options.outbox ?? []) labelled.push(['outbox', this.outboxPut(item)]);
    labelled.push(...extra(stored));
    if (options.idempotency) {
      labelled.push(['idempotency', idempotencyPut(this.tableName, options.idempotency, stored, this.now())]);
    }
    labelled.push([
      'seal-pending',
      sealPendingPut(this.tableName, applicationChainId(current.id), entry.seq, at),
    ]);
    const reserved = reserving ? await this.reserveFor(current, reserving, at) : undefined;
    let cancelled: Cancellation | undefined;
    try {
      cancelled = await writeLabelled(this.doc, labelled);
    } catch (error) {
      if (reserved) await this.releaseIfAbandoned(reserved);
      throw error;
    }
    if (!cancelled) return { ok: true, stored };
    const now = cancelled.failed.has('application') ? cancelled.itemOf('application') : undefined;
    const nowRecord = now ? strip<ApplicationRecord>(unmarshall(now as never)) : undefined;
    if (reserved) await this.releaseIfAbandoned(reserved, nowRecord);
    const refusal = await this.refusal(cancelled, options.idempotency);
    if (refusal) throw refusal;
    const failed = new Set(cancelled.failed);
    if (nowRecord) this.remember(nowRecord);
    // Another payout of the same case or person created a distinctness marker first: count again.
    if (failed.has('report-marker')) failed.add('application');
    // A conflicting concurrent transaction or a throttled item wrote nothing: read again and retry.
    if (
      failed.size === 0 &&
      cancelled.codes.some((c) => c === 'TransactionConflict' || c === 'ThrottlingError')
    ) {
      failed.add('application');
    }
    // A submission's read of the materials holds only under its mark, which any change of the
    // application (or a later mark) took away: mark and read again.
    if (closing !== undefined && failed.has('application')) throw new StaleReadError();
    return { ok: false, failed, error: cancelled.error, codes: cancelled.codes };
  }

  /**
   * The domain error a cancelled transaction means, named by the label of the item whose condition
   * failed (never by its position); undefined when it means none — the application changed meanwhile,
   * or a conflict: the caller reads again.
   */
  private async refusal(
    cancelled: Cancellation,
    idempotency: IdempotentWrite<ApplicationRecord> | undefined,
  ): Promise<Error | undefined> {
    const { failed } = cancelled;
    if (idempotency && failed.has('idempotency')) {
      // A concurrent request with the same key recorded its response first: that one is the answer.
      const replay = await replayOf(this.doc, this.tableName, idempotency, cancelled.itemOf('idempotency'));
      if (replay) return replay;
    }
    if (failed.has('duplicate-lock')) {
      return new DuplicateApplicationError(lockHolder(cancelled.itemOf('duplicate-lock')));
    }
    if (failed.has('quota') && !failed.has('application')) {
      return new QuotaExceededError('The quota cannot cover this.');
    }
    if (failed.has('insurer-event'))
      return new DuplicateEventError('This insurer event was already processed.');
    return undefined;
  }

  private async retrying(
    id: string,
    expectedVersion: number | undefined,
    attempt: (current: ApplicationRecord) => ReturnType<DynamoApplicationRepository['commit']>,
    onOtherFailure?: (failed: Set<string>, error: unknown) => undefined,
  ): Promise<ApplicationRecord> {
    let last: { error: unknown; codes: readonly (string | undefined)[] } | undefined;
    let notBefore = 0;
    for (let i = 0; i < CONFLICT_RETRY.attempts; i++) {
      // The request's own read, or (after a lost attempt) the item its refusal carried back (see commit).
      const current = this.recall(id, notBefore) ?? (await this.get(id));
      notBefore = Date.now();
      if (!current) throw new VersionConflictError('The application no longer exists.');
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionConflictError('The application was changed by someone else.');
      }
      const result = await attempt(current);
      if (result.ok) {
        this.remember(result.stored);
        return result.stored;
      }
      onOtherFailure?.(result.failed, result.error);
      if (!result.failed.has('application')) throw result.error;
      last = result;
      await sleep(backoffMs(i));
    }
    // Still throttled after every attempt: surface it (429), nothing was written.
    if (last?.codes.includes('ThrottlingError')) throw last.error;
    // Still losing the race to other writers: nothing was written; 409 CONCURRENT_UPDATE, never a 500.
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
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: appPk(id), sk: APP_SK },
          // The version moves too: a change built on a read from before the token (a decision in
          // flight) then fails its condition and is built again on a read that has the token, instead
          // of writing the item back without it (which left the workflow waiting on a lost token).
          UpdateExpression: 'SET taskToken = :t, #version = #version + :one',
          ConditionExpression: `#status = :pending AND submission.seq = :seq AND #level = :level${
            executionName === undefined ? '' : ' AND submission.executionName = :exec'
          }`,
          ExpressionAttributeNames: { '#status': 'status', '#level': 'level', '#version': 'version' },
          ExpressionAttributeValues: {
            ':t': token,
            ':one': 1,
            ':pending': 'pending_approval',
            ':seq': token.submissionSeq,
            ':level': token.level,
            ...(executionName === undefined ? {} : { ':exec': executionName }),
          },
          // One request either way: the item after the write, or as it stood when the condition failed.
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const app = out.Attributes ? strip<ApplicationRecord>(out.Attributes) : undefined;
      if (app) this.remember(app);
      return { outcome: 'recorded', app };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const item = (error as { Item?: Record<string, unknown> }).Item;
      const app = item ? strip<ApplicationRecord>(unmarshall(item as never)) : undefined;
      if (app) this.remember(app);
      return { outcome: 'moved-on', app };
    }
  }

  /**
   * Reads the outbox shards in turn (each call starting one shard further, so no shard waits behind
   * the others), earliest due first within each, until `limit` items due by `dueBy` are found.
   */
  async listOutbox(limit: number, dueBy?: string): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    const first = this.outboxStart;
    this.outboxStart = (this.outboxStart + 1) % IN_FLIGHT_SHARDS;
    for (let i = 0; i < IN_FLIGHT_SHARDS && items.length < limit; i++) {
      const shard = (first + i) % IN_FLIGHT_SHARDS;
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi4',
          KeyConditionExpression: dueBy === undefined ? 'gsi4pk = :pk' : 'gsi4pk = :pk AND gsi4sk <= :due',
          ExpressionAttributeValues: {
            ':pk': `OUTBOX#${shard}`,
            // '~' sorts after every id character: everything due at or before `dueBy`.
            ...(dueBy === undefined ? {} : { ':due': `${dueBy}#~` }),
          },
          Limit: limit - items.length,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => strip<OutboxItem>(i)));
    }
    return items;
  }

  async deferOutbox(item: OutboxItem, dueAt: string): Promise<void> {
    const deferred: OutboxItem = { ...item, dueAt };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: appPk(item.applicationId), sk: `OUTBOX#${outboxId(item)}` },
          UpdateExpression: 'SET attempts = if_not_exists(attempts, :zero) + :one, dueAt = :d, gsi4sk = :sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':d': dueAt,
            ':sk': outboxKeys(deferred).gsi4sk,
          },
        }),
      );
    } catch (error) {
      // Completed meanwhile: nothing to put back.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async completeOutbox(item: OutboxItem): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: appPk(item.applicationId), sk: `OUTBOX#${outboxId(item)}` },
      }),
    );
  }

  /**
   * The next entry of a document's chain and, unless `sealed: false`, its pending-seal mark. A grant's
   * first entry goes without one: the change that takes the document out of `pending` marks the chain
   * at its next seq, and the seal covers the chain up to its head (audit-chains.ts).
   */
  private documentEntry(
    doc: DocumentRecord,
    audit: AuditInput,
    at: string,
    { mark = true }: { mark?: boolean } = {},
  ): { entry: AuditEntry; items: Labelled[] } {
    const { entry } = chain(docHead(doc), audit, at);
    const items: Labelled[] = [
      [
        'document-audit',
        {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: appPk(doc.applicationId),
              sk: documentAuditSk(doc.documentId, entry.seq),
              entity: 'audit',
              documentId: doc.documentId,
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    ];
    if (mark) items.push(['seal-pending', this.documentSealMark(doc, entry.seq, at)]);
    return { entry, items };
  }

  private documentSealMark(doc: DocumentRecord, seq: number, at: string): TransactItem {
    return sealPendingPut(this.tableName, documentChainId(doc.applicationId, doc.documentId), seq, at);
  }

  /**
   * One TransactWriteItems of items only these documents have (each document and its first chain
   * entry: two items a document, no seal mark, see documentEntry), the application's ConditionCheck and
   * the idempotency record: nothing a sibling grant writes. Twelve documents are 26 items of the 100.
   */
  async addDocuments(
    grants: readonly DocumentGrant[],
    idempotency?: IdempotentWrite<DocumentRecord[]>,
    basis?: GrantBasis,
  ): Promise<DocumentRecord[]> {
    const labelled: Labelled[] = [];
    const stored = grants.map(({ doc, audit }) => {
      const at = audit.at ?? this.now().toISOString();
      const { entry, items } = this.documentEntry(
        { ...doc, auditSeq: 0, auditHead: GENESIS_HASH },
        audit,
        at,
        {
          mark: false,
        },
      );
      const record: DocumentRecord = { ...doc, auditSeq: entry.seq, auditHead: entry.hash };
      labelled.push(
        [
          'document',
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: appPk(doc.applicationId),
                sk: docSk(doc.documentId),
                entity: 'document',
                ...pendingUploadKeys(doc),
                ...record,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        ...items,
      );
      return record;
    });
    const applicationId = grants[0]?.doc.applicationId;
    if (applicationId === undefined || grants.some((g) => g.doc.applicationId !== applicationId)) {
      throw new Error('addDocuments: one or more documents, all of one application.');
    }
    if (basis) labelled.push(['application', this.grantCheck(applicationId, basis)]);
    if (idempotency) {
      labelled.push(['idempotency', idempotencyPut(this.tableName, idempotency, stored, this.now())]);
    }
    const cancelled = await writeLabelled(this.doc, labelled);
    if (cancelled) {
      if (idempotency && cancelled.failed.has('idempotency')) {
        const replay = await replayOf(this.doc, this.tableName, idempotency, cancelled.itemOf('idempotency'));
        if (replay) throw replay;
      }
      if (cancelled.failed.has('application')) {
        const current = cancelled.itemOf('application');
        throw new GrantBasisMismatch(
          current ? strip<ApplicationRecord>(unmarshall(current as never)) : undefined,
        );
      }
      throw cancelled.error;
    }
    return stored;
  }

  /**
   * The grant's check of its application, in place of a read before it: the executing court, status,
   * submission and an open campaign as assumed; a failed check returns the application as it stands.
   */
  private grantCheck(applicationId: string, basis: GrantBasis): TransactItem {
    return this.applicationCheck(applicationId, basis);
  }

  /**
   * The application at a court (unless omitted), status (or one of several) and submission (and, with
   * `campaignIds`, in one of them), as a ConditionCheck that returns the application as it stands when
   * it fails. `entering` (an upload entering the materials): also with no submission's mark on it
   * (closeMaterials) — or, with the mark a refusal showed, taking that mark away (an Update of the
   * application, only in the race with a submission's read or after a submission that failed).
   */
  private applicationCheck(
    applicationId: string,
    basis: {
      courtCode?: string;
      status: ApplicationRecord['status'] | readonly ApplicationRecord['status'][];
      submissionSeq: number;
      campaignIds?: readonly string[];
    },
    entering?: { mark: string | undefined },
  ): TransactItem {
    const campaignIds = basis.campaignIds ?? [];
    const campaigns = campaignIds.map((_, i) => `:gc${i}`);
    const statuses = typeof basis.status === 'string' ? [basis.status] : basis.status;
    const mark = entering?.mark;
    const check = {
      TableName: this.tableName,
      Key: { pk: appPk(applicationId), sk: APP_SK },
      ConditionExpression: [
        ...(basis.courtCode === undefined ? [] : ['courtCode = :court']),
        statuses.length === 1 ? '#s = :s0' : `#s IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
        basis.submissionSeq === 0
          ? '(attribute_not_exists(submission) OR attribute_type(submission, :null))'
          : 'submission.seq = :seq',
        ...(basis.campaignIds ? [`campaignId IN (${campaigns.join(', ')})`] : []),
        ...(entering ? [mark === undefined ? `attribute_not_exists(${CLOSING})` : `${CLOSING} = :mark`] : []),
      ].join(' AND '),
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ...(basis.courtCode === undefined ? {} : { ':court': basis.courtCode }),
        ...Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status])),
        ...(basis.submissionSeq === 0 ? { ':null': 'NULL' } : { ':seq': basis.submissionSeq }),
        ...Object.fromEntries(campaignIds.map((id, i) => [`:gc${i}`, id])),
        ...(mark === undefined ? {} : { ':mark': mark }),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    return mark === undefined
      ? { ConditionCheck: check }
      : { Update: { ...check, UpdateExpression: `REMOVE ${CLOSING}` } };
  }

  async getWithDocument(
    applicationId: string,
    documentId: string,
  ): Promise<{ app: ApplicationRecord | undefined; doc: DocumentRecord | undefined }> {
    const keys = [
      { pk: appPk(applicationId), sk: APP_SK },
      { pk: appPk(applicationId), sk: docSk(documentId) },
    ];
    const out = await this.doc.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
    );
    if ((out.UnprocessedKeys?.[this.tableName]?.Keys?.length ?? 0) > 0) {
      // Throttled in part: read the two one by one (rare; correctness over a request).
      const [app, doc] = await Promise.all([
        this.get(applicationId),
        this.getDocument(applicationId, documentId),
      ]);
      return { app, doc };
    }
    const items = out.Responses?.[this.tableName] ?? [];
    const appItem = items.find((i) => i.sk === APP_SK);
    const docItem = items.find((i) => i.sk !== APP_SK);
    const app = appItem ? strip<ApplicationRecord>(appItem) : undefined;
    if (app) this.remember(app);
    return { app, doc: docItem ? strip<DocumentRecord>(docItem) : undefined };
  }

  async getDocument(applicationId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: appPk(applicationId), sk: docSk(documentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<DocumentRecord>(out.Item) : undefined;
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
    return items;
  }

  async listDocuments(applicationId: string): Promise<DocumentRecord[]> {
    return (await this.readMaterials(applicationId)).documents;
  }

  /**
   * The application (APP) and its documents (DOC#<id>) in one consistent Query of its partition, from
   * APP to the end of the documents: the application's audit entries (AUDIT#…) sort between them and
   * are read too (charged, filtered out of the answer); DOCAUDIT# and OUTBOX# sort after.
   */
  async getWithMaterials(applicationId: string): Promise<{
    app: ApplicationRecord | undefined;
    documents: DocumentRecord[];
  }> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :app AND :last',
      FilterExpression: '#e <> :audit',
      ExpressionAttributeNames: { '#e': 'entity' },
      ExpressionAttributeValues: {
        ':pk': appPk(applicationId),
        ':app': APP_SK,
        ':last': DOCUMENTS_END,
        ':audit': 'audit',
      },
      ConsistentRead: true,
    });
    const appItem = items.find((i) => i.sk === APP_SK);
    const app = appItem ? strip<ApplicationRecord>(appItem) : undefined;
    if (app) this.remember(app);
    return { app, documents: documentsOf(items) };
  }

  /** The documents (DOC#<id>) in one Query. */
  async readMaterials(applicationId: string): Promise<{ documents: DocumentRecord[] }> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': appPk(applicationId), ':first': 'DOC#', ':last': DOCUMENTS_END },
      ConsistentRead: true,
    });
    return { documents: documentsOf(items) };
  }

  /**
   * The mark, one standard UpdateItem that returns the application (in place of reading it: on AWS
   * ≈ 3 WRU on the 2–3 KB item, where freezing six slot items in the submission's transaction and
   * moving one in each upload's cost 24 as transactional writes), then the documents. The mark moves
   * no version: writers that read before it are not made to retry; the submission's commit is (its
   * condition names the mark).
   */
  async closeMaterials(
    applicationId: string,
    courtCode: string,
  ): Promise<{ app: ApplicationRecord | undefined; documents: DocumentRecord[]; closing?: string }> {
    // Unique: a second submission marking meanwhile must not pass for this one.
    const closing = `${this.now().toISOString()}#${randomUUID()}`;
    let marked: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: appPk(applicationId), sk: APP_SK },
          UpdateExpression: `SET ${CLOSING} = :closing`,
          ConditionExpression: 'courtCode = :court AND #s IN (:draft, :returned)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':closing': closing,
            ':court': courtCode,
            ':draft': 'draft',
            ':returned': 'returned',
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      marked = out.Attributes;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const item = (error as { Item?: Record<string, unknown> }).Item;
      const app = item ? strip<ApplicationRecord>(unmarshall(item as never)) : undefined;
      if (app) this.remember(app);
      return { app, documents: [] };
    }
    const app = marked ? strip<ApplicationRecord>(marked) : undefined;
    if (app) this.remember(app);
    return { app, documents: (await this.readMaterials(applicationId)).documents, closing };
  }

  async reopenMaterials(applicationId: string, closing: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: appPk(applicationId), sk: APP_SK },
          UpdateExpression: `REMOVE ${CLOSING}`,
          ConditionExpression: `${CLOSING} = :closing`,
          ExpressionAttributeValues: { ':closing': closing },
        }),
      );
    } catch (error) {
      // Gone already (an upload took it, a write replaced the item) or a later submission's: not ours.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /**
   * One TransactWriteItems: the document (conditioned on its status and chain head as read), its next
   * chain entry and seal mark, and (with `application`) the application's docsVersion moved on
   * condition that it is as read. Without `application` nothing of the application is written, so the
   * events of one application's documents never conflict: an upload that enters the materials checks
   * the application instead (a ConditionCheck; with `granted` the one it has anyway): with the clerk
   * at the submission of the grant and no submission's mark on it (closeMaterials). Refused for a mark
   * alone, it is written once more taking that mark away (an Update of the application): the
   * submission that read the materials before this upload then fails its commit and reads again.
   */
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
    const from = outcome.from ?? 'pending';
    const at = this.now().toISOString();
    const { entry, items } = this.documentEntry(doc, audit, at);
    const granted = options.granted;
    const stored: DocumentRecord = {
      ...doc,
      status: outcome.status,
      rejectedReason: outcome.reason,
      ...(from === 'uploaded' ? {} : { uploadedAt: outcome.status === 'uploaded' ? outcome.at : null }),
      ...(outcome.review ? { review: outcome.review } : {}),
      auditSeq: entry.seq,
      auditHead: entry.hash,
    };
    const labelled: Labelled[] = [
      [
        'document',
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: appPk(doc.applicationId), sk: docSk(doc.documentId) },
            // A document leaving `uploaded` keeps the time it was uploaded; settled, it leaves the
            // pending-upload index (gsi4).
            UpdateExpression: `SET #s = :s, ${from === 'uploaded' ? '' : 'uploadedAt = :u, '}rejectedReason = :r${
              outcome.review ? ', review = :review' : ''
            }, auditSeq = :seq, auditHead = :head REMOVE gsi4pk, gsi4sk`,
            // Settled from the key's facts (nothing read): the document must be exactly the one granted
            // (its chain head, type) with the declared object the inspection found.
            ConditionExpression: `#s = :from AND ${sameAs('auditSeq', ':was', doc.auditSeq)}${
              granted
                ? ` AND s3Key = :key AND auditHead = :wasHead AND #t = :type AND sizeBytes = :size AND sha256 = :sha${
                    granted.contentType === undefined ? '' : ' AND contentType = :ct'
                  }`
                : ''
            }`,
            ExpressionAttributeNames: { '#s': 'status', ...(granted ? { '#t': 'type' } : {}) },
            ExpressionAttributeValues: {
              ...(granted
                ? {
                    ':key': doc.s3Key,
                    ':wasHead': granted.auditHead,
                    ':type': doc.type,
                    ':size': granted.sizeBytes,
                    ':sha': granted.sha256,
                    ...(granted.contentType === undefined ? {} : { ':ct': granted.contentType }),
                  }
                : {}),
              ':s': outcome.status,
              ...(from === 'uploaded' ? {} : { ':u': outcome.status === 'uploaded' ? outcome.at : null }),
              ':r': outcome.reason,
              ':from': from,
              ...(outcome.review ? { ':review': outcome.review } : {}),
              ':seq': entry.seq,
              ':head': entry.hash,
              ...(doc.auditSeq === undefined ? {} : { ':was': doc.auditSeq }),
            },
          },
        },
      ],
      ...items,
    ];
    const entering = from === 'pending' && outcome.status === 'uploaded';
    const app = options.application;
    // In place of reading the application (with `granted`: still at the court, status and submission
    // the grant named; decided on a read: still open to an upload granted under this submission).
    const basis = granted
      ? granted.application
      : entering && !app
        ? { status: WITH_CLERK, submissionSeq: doc.submissionSeqAtGrant ?? 0 }
        : undefined;
    if (app) {
      labelled.push([
        'application',
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: appPk(app.id), sk: APP_SK },
            // Written anyway: entering, it takes any submission's mark with it.
            UpdateExpression: `SET docsVersion = :next${entering ? ` REMOVE ${CLOSING}` : ''}`,
            ConditionExpression: `version = :v AND auditSeq = :as AND ${sameAs('docsVersion', ':d', app.docsVersion)}`,
            ExpressionAttributeValues: {
              ':next': (app.docsVersion ?? 0) + 1,
              ':v': app.version,
              ':as': app.auditSeq,
              ...(app.docsVersion === undefined ? {} : { ':d': app.docsVersion }),
            },
          },
        },
      ]);
      // What this invocation remembered of the application is now behind it.
      this.seen()?.delete(app.id);
    }
    if (options.idempotency) {
      labelled.push(['idempotency', idempotencyPut(this.tableName, options.idempotency, stored, this.now())]);
    }
    const write = (mark?: string) =>
      writeLabelled(
        this.doc,
        basis
          ? [
              ...labelled,
              [
                'application',
                this.applicationCheck(doc.applicationId, basis, entering ? { mark } : undefined),
              ],
            ]
          : labelled,
      );
    let cancelled = await write();
    const mark =
      entering && cancelled?.failed.has('application') ? markOn(cancelled.itemOf('application')) : undefined;
    // A submission read the materials meanwhile (or failed after marking): enter, taking its mark.
    if (basis && mark !== undefined) cancelled = await write(mark);
    if (!cancelled) return 'settled';
    if (options.idempotency && cancelled.failed.has('idempotency')) {
      const replay = await replayOf(
        this.doc,
        this.tableName,
        options.idempotency,
        cancelled.itemOf('idempotency'),
      );
      if (replay) throw replay;
    }
    if (cancelled.failed.has('document')) return 'document-changed';
    if (cancelled.failed.has('application')) return 'application-changed';
    // A conflicting transaction on one of these items (a submission marking the application): read again.
    if (cancelled.codes.some((c) => c === 'TransactionConflict')) return 'document-changed';
    throw cancelled.error;
  }

  /**
   * Every chain of the application in one Query of its partition: the application's entries
   * (AUDIT#…), its documents with their heads (DOC#…) and the documents' entries (DOCAUDIT#…), which
   * sort in that order. The application's head is on the application (read by the caller).
   */
  async readTrail(applicationId: string): Promise<ApplicationTrail> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': appPk(applicationId), ':from': 'AUDIT#', ':to': 'DOCAUDIT$' },
      ConsistentRead: true,
    });
    const application: AuditEntry[] = [];
    const documents = new Map<string, DocumentChain>();
    const chainOf = (documentId: string) => {
      let c = documents.get(documentId);
      if (!c) {
        c = { documentId, entries: [], head: { seq: 0, hash: GENESIS_HASH } };
        documents.set(documentId, c);
      }
      return c;
    };
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('AUDIT#')) application.push(strip<AuditEntry>(item));
      else if (sk.startsWith('DOCAUDIT#')) {
        const { documentId, ...entry } = strip<AuditEntry>(item);
        chainOf(String(documentId)).entries.push(entry);
      } else if (sk.startsWith('DOC#')) {
        const doc = strip<DocumentRecord>(item);
        if (typeof doc.auditSeq === 'number' && typeof doc.auditHead === 'string') {
          chainOf(doc.documentId).head = { seq: doc.auditSeq, hash: doc.auditHead };
        }
      }
    }
    for (const c of documents.values()) c.entries.sort((x, y) => x.seq - y.seq);
    return { application, documents: [...documents.values()] };
  }

  async listAudit(applicationId: string): Promise<AuditEntry[]> {
    const trail = await this.readTrail(applicationId);
    return mergeTrail(trail.application, trail.documents);
  }

  /**
   * The report counters of the change's high court and of its executing court (`byCourt`; national
   * figures are derived at read time, see domain/report.ts `nationalTotals`), moved in the same
   * transaction. Distinct cases and persons use marker items: the first payout of a case (or person)
   * creates the marker and counts; later ones only check it exists. The markers are read in one
   * BatchGetItem (a payout's only read before its transaction), whatever their number.
   */
  private async reportItems(delta: ReportDelta): Promise<Labelled[]> {
    const pk = `REPORT#${delta.campaignId}`;
    const items: Labelled[] = [];
    const created = new Set<string>();
    const markers = reportMarkers(delta);
    // Which markers exist, in one request (consistent: the transaction's conditions then confirm it).
    const existing = new Set<string>();
    if (markers.length > 0) {
      const found = await batchGetAll(
        this.doc,
        this.tableName,
        markers.map((m) => ({ pk, sk: m.key })),
        {
          consistent: true,
          projection: 'sk',
          requests: 5,
          giveUp: () => new ConcurrentUpdateError('The report counters could not be read; retry shortly.'),
        },
      );
      for (const item of found) existing.add(String(item.sk));
    }
    for (const marker of markers) {
      const sk = marker.key;
      if (existing.has(sk)) {
        items.push([
          'report-marker',
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { pk, sk },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ]);
      } else {
        created.add(sk);
        items.push([
          'report-marker',
          {
            Put: {
              TableName: this.tableName,
              Item: { pk, sk, entity: 'report-marker' },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]);
      }
    }
    const counterUpdate = (sk: string, add: Record<string, number>): TransactItem => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':e': 'report-counters', ':h': sk };
      const parts = Object.entries(add).map(([name, value], i) => {
        names[`#c${i}`] = name;
        values[`:c${i}`] = value;
        return `#c${i} :c${i}`;
      });
      return {
        Update: {
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: `SET entity = :e, reportScope = :h${parts.length > 0 ? ` ADD ${parts.join(', ')}` : ''}`,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        },
      };
    };
    items.push(['report', counterUpdate(`HIGH#${delta.highCourtCode}`, highCourtIncrements(delta, created))]);
    items.push([
      'report',
      counterUpdate(`COURT#${delta.highCourtCode}#${delta.courtCode}`, courtIncrements(delta, created)),
    ]);
    return items;
  }

  async hasInsurerEvent(id: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `INSURER_EVENT#${id}`, sk: 'EVENT' },
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined;
  }

  async getFund(campaignId: string): Promise<{ recoveredFen: number; entries: number }> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `FUND#${campaignId}`, sk: 'FUND' },
        ConsistentRead: true,
      }),
    );
    return { recoveredFen: Number(out.Item?.recoveredFen ?? 0), entries: Number(out.Item?.entries ?? 0) };
  }

  async listFundEntries(campaignId: string): Promise<FundEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `FUND#${campaignId}`, ':p': 'ENTRY#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      campaignId,
      applicationId: String(i.applicationId),
      courtCode: String(i.courtCode),
      highCourtCode: String(i.highCourtCode),
      amountFen: Number(i.amountFen),
      reference: String(i.reference),
      receivedAt: String(i.receivedAt),
      recordedAt: String(i.recordedAt),
    }));
  }

  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return readIdempotency(this.doc, this.tableName, scope, key);
  }

  async recordIdempotency<T>(write: IdempotentWrite<T>, result: T): Promise<void> {
    const put = idempotencyPut(this.tableName, write, result, this.now()).Put;
    if (!put) return;
    try {
      await this.doc.send(new PutCommand(put));
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const replay = await replayOf(this.doc, this.tableName, write, undefined);
      throw replay ?? error;
    }
  }

  /**
   * Reads one gsi4 family shard by shard, oldest first, up to `limit` items at or before `before`;
   * the cursor names the shard and the position within it, null after the last shard.
   */
  private async sweep(
    family: 'INFLIGHT' | 'UPLOAD',
    query: SweepQuery,
  ): Promise<SweepPage<Record<string, unknown>>> {
    let { shard, key } = decodeSweepCursor(query.cursor);
    const items: Record<string, unknown>[] = [];
    while (items.length < query.limit && shard < IN_FLIGHT_SHARDS) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk <= :before',
        // '~' sorts after every id character: everything stamped at or before `before`.
        ExpressionAttributeValues: { ':pk': `${family}#${shard}`, ':before': `${query.before}#~` },
        Limit: query.limit - items.length,
        ExclusiveStartKey: key,
      };
      let out: QueryCommandOutput;
      try {
        out = await this.doc.send(new QueryCommand(input));
      } catch (error) {
        // A stored position that no longer fits the query (e.g. the clock moved back): restart the shard.
        if (key && (error as Error).name === 'ValidationException') {
          key = undefined;
          continue;
        }
        throw error;
      }
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      if (out.LastEvaluatedKey) key = out.LastEvaluatedKey;
      else {
        shard++;
        key = undefined;
      }
    }
    return { items, cursor: shard >= IN_FLIGHT_SHARDS ? null : encodeSweepCursor(shard, key) };
  }

  // gsi4 holds the keys of in-flight applications and pending documents, not the items (table-design.ts):
  // a sweep's page reads them from the table (an item gone since is left out).
  async listInFlight(query: SweepQuery): Promise<SweepPage<ApplicationRecord>> {
    const page = await this.sweep('INFLIGHT', query);
    return { items: await this.hydrate(page.items), cursor: page.cursor };
  }

  async listPendingUploads(query: SweepQuery): Promise<SweepPage<DocumentRecord>> {
    const page = await this.sweep('UPLOAD', query);
    return { items: await this.hydrate<DocumentRecord>(page.items), cursor: page.cursor };
  }

  /**
   * Off the index, with the seal mark of the chain's head in the same transaction: a grant writes no
   * mark (documentEntry), and a document that never leaves `pending` appends no entry that would.
   * While pending nothing else appends to its chain, so the head read is the head.
   */
  async retirePendingUpload(doc: DocumentRecord): Promise<void> {
    const labelled: Labelled[] = [
      [
        'document',
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: appPk(doc.applicationId), sk: docSk(doc.documentId) },
            UpdateExpression: 'REMOVE gsi4pk, gsi4sk',
            ConditionExpression: '#s = :pending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          },
        },
      ],
    ];
    // A document stored before documents had chains has nothing to seal.
    if (doc.auditSeq) {
      labelled.push(['seal-pending', this.documentSealMark(doc, doc.auditSeq, this.now().toISOString())]);
    }
    const cancelled = await writeLabelled(this.doc, labelled);
    // Settled meanwhile: the settlement took it off the index already, and marked its chain.
    if (cancelled && !cancelled.failed.has('document')) throw cancelled.error;
  }

  async getSweepCursor(name: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `SWEEP#${name}`, sk: 'SWEEP' },
        ConsistentRead: true,
      }),
    );
    return typeof out.Item?.cursor === 'string' ? out.Item.cursor : null;
  }

  async putSweepCursor(name: string, cursor: string | null): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SWEEP#${name}`,
          sk: 'SWEEP',
          entity: 'sweep-cursor',
          cursor,
          updatedAt: this.now().toISOString(),
        },
      }),
    );
  }

  async list(scope: ListScope, query: ListQuery): Promise<Page<ApplicationRecord>> {
    const [index, pkAttr, pk] =
      scope.kind === 'court'
        ? (['gsi1', 'gsi1pk', `COURT#${scope.courtCode}`] as const)
        : scope.kind === 'highCourt'
          ? (['gsi2', 'gsi2pk', `HIGH#${scope.highCourtCode}`] as const)
          : scope.kind === 'pendingAt'
            ? (['gsi5', 'gsi5pk', `PENDING#${scope.courtCode}`] as const)
            : (['gsi3', 'gsi3pk', `CAMPAIGN#${scope.campaignId}`] as const);
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    if (query.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
    if (query.campaignId && scope.kind !== 'campaign') {
      filters.push('campaignId = :campaignId');
      values[':campaignId'] = query.campaignId;
    }
    if (query.courtOrAncestor) {
      filters.push('(courtCode = :within OR contains(ancestors, :within))');
      values[':within'] = query.courtOrAncestor;
    }
    if (query.courtCode && scope.kind !== 'court') {
      filters.push('courtCode = :courtCode');
      values[':courtCode'] = query.courtCode;
    }
    return this.boundedPage(
      {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: `${pkAttr} = :pk`,
        FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        // Newest first, except the queue: oldest waiting first.
        ScanIndexForward: scope.kind === 'pendingAt',
      },
      // The indexes hold only the keys and what the filters need (infra/table-design.ts): read the items.
      { cursor: query.cursor, limit: query.limit, pk, pkAttr },
    );
  }

  /**
   * The whole items of a page read from an index that holds only part of them, in the page's order:
   * one BatchGetItem per 100 (a page of up to 100 is one request), unprocessed keys read again.
   * Eventually consistent, as the index read before it is.
   */
  private async hydrate<T = ApplicationRecord>(keys: Record<string, unknown>[]): Promise<T[]> {
    if (keys.length === 0) return [];
    const byKey = new Map<string, T>();
    const items = await batchGetAll(
      this.doc,
      this.tableName,
      keys.map((k) => ({ pk: k.pk, sk: k.sk })),
      // As before: the first request and up to CONFLICT_RETRY.attempts retries.
      { requests: CONFLICT_RETRY.attempts + 1, giveUp: applicationsUnreadable },
    );
    for (const item of items) byKey.set(`${item.pk}|${item.sk}`, strip<T>(item));
    return keys.flatMap((k) => byKey.get(`${k.pk}|${k.sk}`) ?? []);
  }

  async listDue(query: DueQuery): Promise<Page<ApplicationRecord>> {
    const pk = `DUE#${query.highCourtCode}`;
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': pk, ':before': `${query.before}#\uffff` };
    if (query.courtOrAncestor) {
      filters.push('(courtCode = :within OR contains(ancestors, :within))');
      values[':within'] = query.courtOrAncestor;
    }
    if (query.courtCode) {
      filters.push('courtCode = :courtCode');
      values[':courtCode'] = query.courtCode;
    }
    return this.boundedPage(
      {
        TableName: this.tableName,
        IndexName: 'due',
        KeyConditionExpression: 'duepk = :pk AND duesk <= :before',
        FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
      },
      { cursor: query.cursor, limit: query.limit, pk, pkAttr: 'duepk' },
    );
  }

  /**
   * One page of applications from an index query whose filters apply after the read: reads until the
   * page is full, the index is exhausted or LIST_MAX_READS reads were made (then the page is short and
   * the cursor says where to go on), so a selective filter over a large partition never reads it whole.
   */
  private async boundedPage(
    input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
    page: { cursor: string | undefined; limit: number; pk: string; pkAttr: string },
  ): Promise<Page<ApplicationRecord>> {
    const items: Record<string, unknown>[] = [];
    let start = decodeCursor(page.cursor, page.pk, page.pkAttr);
    let reads = 0;
    do {
      reads++;
      const out = await this.doc
        .send(new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: start }))
        .catch((error: Error) => {
          // A cursor that decodes but does not name a real position: the client's mistake, not ours.
          if (page.cursor && error.name === 'ValidationException')
            throw new InvalidCursorError('The cursor is not valid.');
          throw error;
        });
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start && items.length < page.limit && reads < LIST_MAX_READS);
    return {
      items: await this.hydrate(items),
      nextCursor: encodeCursor(start),
    };
  }
}

function encodeSweepCursor(shard: number, key: Record<string, unknown> | undefined): string {
  return Buffer.from(JSON.stringify({ shard, ...(key ? { key } : {}) })).toString('base64url');
}

/** The sweep's own cursor (stored by the sweep, never from a client); anything unreadable restarts the pass. */
function decodeSweepCursor(cursor: string | null): {
  shard: number;
  key: Record<string, unknown> | undefined;
} {
  if (!cursor) return { shard: 0, key: undefined };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      shard?: unknown;
      key?: unknown;
    };
    const shard = Number(parsed.shard);
    if (!Number.isInteger(shard) || shard < 0 || shard >= IN_FLIGHT_SHARDS) throw new Error('bad shard');
    const key = parsed.key;
    const validKey =
      typeof key === 'object' &&
      key !== null &&
      ['pk', 'sk', 'gsi4pk', 'gsi4sk'].every((k) => typeof (key as Record<string, unknown>)[k] === 'string');
    return { shard, key: validKey ? (key as Record<string, unknown>) : undefined };
  } catch {
    return { shard: 0, key: undefined };
  }
}
