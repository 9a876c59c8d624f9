import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GENESIS_HASH, sealEntry } from '../../domain/audit-chain.ts';
import { type Court, type CourtLevel, CourtRegistry } from '../../domain/court-registry.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import type { CourtAuditEntry, CourtChange, CourtStore } from '../../ports/courts.ts';
import type { IdempotentWrite } from '../../ports/idempotency.ts';
import { COURTS_CHAIN_ID, sealPendingPut } from './audit-chains.ts';
import { idempotencyPut, replayOf } from './idempotency.ts';
import { queryAll } from './query.ts';
import { type Labelled, writeLabelled } from './transaction.ts';

const REGISTRY_KEY = { pk: 'COURTS', sk: 'REGISTRY' };
const AUDIT_PK = 'COURTS#AUDIT';
const auditSk = (seq: number) => `AUDIT#${String(seq).padStart(10, '0')}`;

/** Per container: a registry younger than this is used without a read; older, its version is checked. */
export const COURT_CACHE_TTL_MS = 5_000;

type Row = [string, string, CourtLevel, string | null, string, 0 | 1, string];

/** The rows as stored: compact tuples, gzipped (3,284 courts ≈ 43 KB, one item, one read). */
export function encodeCourts(courts: readonly Court[]): Uint8Array {
  const rows: Row[] = courts.map((c) => [
    c.code,
    c.name,
    c.level,
    c.parentCode,
    c.province,
    c.directToHighCourt ? 1 : 0,
    c.caseCourtPrefix,
  ]);
  return gzipSync(JSON.stringify(rows));
}

export function decodeCourts(data: Uint8Array): Court[] {
  const rows = JSON.parse(gunzipSync(data).toString('utf8')) as Row[];
  return rows.map(([code, name, level, parentCode, province, direct, caseCourtPrefix]) => ({
    code,
    name,
    level,
    parentCode,
    province,
    directToHighCourt: direct === 1,
    caseCourtPrefix,
  }));
}

interface Head {
  version: number;
  auditSeq: number;
  auditHead: string;
}

/**
 * The courts table data (CourtStore): the whole registry is one versioned item, so a read is one
 * GetItem (cached per container, `COURT_CACHE_TTL_MS`; after it only the version is re-read) and every
 * change — one court or an import of thousands — is one conditional transaction with its audit entry:
 * all-or-nothing, and serialised, so two changes validated apart can never together make a cycle.
 */
export class DynamoCourtStore implements CourtStore {
  private cached: { registry: CourtRegistry; head: Head; checkedAt: number } | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
    private readonly ttlMs = COURT_CACHE_TTL_MS,
  ) {}

  async registry(opts: { fresh?: boolean } = {}): Promise<CourtRegistry> {
    const at = Date.now();
    if (this.cached && !opts.fresh && at - this.cached.checkedAt < this.ttlMs) return this.cached.registry;
    if (this.cached) {
      // A projection does not make the read cheaper (DynamoDB charges the whole item, ~40 KB), so the
      // routine re-check is an eventually consistent read, half the units: the cache already serves a
      // registry up to ttlMs old, and an eventual read lags by far less. A version older than the one
      // held is such a lag, never a change (versions only grow): keep the copy. A writer (`fresh`)
      // conditions on the version it reads, and reads it consistently.
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: REGISTRY_KEY,
          ProjectionExpression: 'version',
          ...(opts.fresh ? { ConsistentRead: true } : {}),
        }),
      );
      const version = out.Item?.version;
      const unchanged = opts.fresh
        ? version === this.cached.head.version
        : typeof version === 'number' && version <= this.cached.head.version;
      if (unchanged) {
        this.cached.checkedAt = at;
        return this.cached.registry;
      }
    }
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: REGISTRY_KEY, ConsistentRead: true }),
    );
    if (!out.Item)
      throw new Error('The courts table holds no registry: run the seeder (infra/local/seed.ts).');
    const head: Head = {
      version: out.Item.version as number,
      auditSeq: (out.Item.auditSeq as number) ?? 0,
      auditHead: (out.Item.auditHead as string) ?? GENESIS_HASH,
    };
    const registry = new CourtRegistry(decodeCourts(out.Item.data as Uint8Array), head.version);
    this.cached = { registry, head, checkedAt: at };
    return registry;
  }

  /** Seeding (local start, deploy): writes the registry only when the table has none. */
  async seedIfAbsent(courts: readonly Court[], source: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...REGISTRY_KEY,
            entity: 'court-registry',
            version: 1,
            count: courts.length,
            source,
            updatedAt: this.now().toISOString(),
            auditSeq: 0,
            auditHead: GENESIS_HASH,
            data: encodeCourts(courts),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async replace(
    base: CourtRegistry,
    courts: readonly Court[],
    change: CourtChange,
    idempotency?: IdempotentWrite<CourtRegistry>,
  ): Promise<CourtRegistry> {
    const current = await this.registry({ fresh: true });
    const head = this.cached?.head;
    if (current.version !== base.version || !head) {
      throw new ConcurrentUpdateError('The court registry changed meanwhile; nothing was written. Retry.');
    }
    const at = this.now().toISOString();
    const seq = head.auditSeq + 1;
    const entry = sealEntry(
      {
        seq,
        at,
        actor: { sub: change.actor.sub, court: change.actor.court, roles: [...change.actor.roles] },
        action: change.action,
        fromStatus: null,
        toStatus: null,
        detail: { ...change.detail, courts: change.courts, version: base.version + 1 },
      },
      head.auditHead,
    );
    const next = new CourtRegistry(courts, base.version + 1);
    const items: Labelled[] = [
      [
        'registry',
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...REGISTRY_KEY,
              entity: 'court-registry',
              version: next.version,
              count: courts.length,
              source: change.action,
              updatedAt: at,
              auditSeq: seq,
              auditHead: entry.hash,
              data: encodeCourts(courts),
            },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': base.version },
          },
        },
      ],
      [
        'audit',
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: AUDIT_PK, sk: auditSk(seq), entity: 'court-audit', courts: change.courts, ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    ];
    if (idempotency)
      items.push(['idempotency', idempotencyPut(this.tableName, idempotency, next, this.now())]);
    items.push(['seal', sealPendingPut(this.tableName, COURTS_CHAIN_ID, seq, at)]);
    const cancelled = await writeLabelled(this.doc, items);
    if (cancelled) {
      if (idempotency && cancelled.failed.has('idempotency')) {
        const replay = await replayOf(this.doc, this.tableName, idempotency, cancelled.itemOf('idempotency'));
        if (replay) throw replay;
      }
      throw new ConcurrentUpdateError('The court registry changed meanwhile; nothing was written. Retry.');
    }
    this.cached = {
      registry: next,
      head: { version: next.version, auditSeq: seq, auditHead: entry.hash },
      checkedAt: Date.now(),
    };
    return next;
  }

  async listAudit(code?: string): Promise<CourtAuditEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': AUDIT_PK, ':p': 'AUDIT#' },
      ConsistentRead: true,
    });
    const entries = items.map((i) => {
      const { pk: _pk, sk: _sk, entity: _e, ...rest } = i;
      return rest as unknown as CourtAuditEntry;
    });
    return code ? entries.filter((e) => e.courts.includes(code)) : entries;
  }
}
