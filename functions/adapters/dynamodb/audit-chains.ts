import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ChainedAuditEntry } from '../../domain/audit-chain.ts';
import type { ChainState } from '../../domain/audit-seal.ts';
import { mapLimited } from '../../lib/concurrency.ts';
import type { AuditChainStore, PendingSeal } from '../../ports/audit-seal.ts';
import { queryAll } from './query.ts';
import { QUOTA_PK_PREFIX, quotaKey } from './quota-keys.ts';
import { isTransactionCanceled } from './transaction.ts';

/**
 * The audit chains of the single table, as the sealer and its verifier see them.
 *
 * Chains are named by what they trail, mapped to the table's keys (infra/table-design.ts):
 *   application/<id>                 entries APP#<id> / AUDIT#<seq>,  head auditSeq/auditHead on APP#<id> / APP
 *   document/<appId>/<documentId>    entries APP#<appId> / DOCAUDIT#<documentId>#<seq>, head on APP#<appId> /
 *                                    DOC#<documentId> (a document's own chain; the application chain
 *                                    anchors its head at each submission and decision)
 *   quota/<campaignId>/<highCourt>   entries QUOTA_AUDIT#<c>#<h> / AUDIT#<seq>, head on QUOTA#<c> / <h>
 *   campaign/<campaignId>            entries CAMPAIGN_AUDIT#<c> / AUDIT#<seq>, head on CAMPAIGNS / CAMPAIGN#<c>
 *   courts                           the court registry's one chain (every PUT and import): entries
 *                                    COURTS#AUDIT / AUDIT#<seq>, head on COURTS / REGISTRY
 *
 * Finding what changed since the last seal without scanning the table: every transaction that appends
 * an audit entry also puts a pending-seal mark `SEALQ#<shard>` / `<chainId>` `{ seq }` (sealPendingPut),
 * overwritten by the chain's next change. The sealer queries the 16 shard partitions, seals, and deletes
 * each mark on condition that it still names a seq it sealed. A mark rather than a sparse index on the
 * head rows: it needs no new GSI and no write to the application item outside its own transactions,
 * it is atomic with the entry (a change cannot escape the next seal), and the shards keep any one
 * partition far from the per-partition write limit at national scale. One mark per chain, not per
 * application: six documents' grants and uploads run concurrently and write nothing in common.
 * One exception: an upload grant's first entry (`document.requested`) goes without a mark. The seal
 * covers a chain up to its head, and every way a pending document leaves `pending` appends the next
 * entry with its mark (settleDocument: uploaded, rejected, LATE_UPLOAD, also after a withdrawal);
 * one never uploaded is marked at its head when the lost-upload sweep retires it (retirePendingUpload).
 * Until then, a granted document's first entry is not sealed, for at most the abandonment window.
 *
 * Sealing reads the chains of one application (its own and its documents', all in APP#<id>) with one
 * Query of the partition and clears their marks with one TransactWriteItems of conditional deletes.
 */
export const SEAL_QUEUE_SHARDS = 16;
const SEAL_QUEUE_PREFIX = 'SEALQ#';

export const applicationChainId = (applicationId: string) => `application/${applicationId}`;
export const quotaChainId = (campaignId: string, highCourtCode: string) =>
  `quota/${encodeURIComponent(campaignId)}/${encodeURIComponent(highCourtCode)}`;

export const documentChainId = (applicationId: string, documentId: string) =>
  `document/${applicationId}/${documentId}`;
/** The sort key of entry `seq` of a document's chain, in its application's partition. */
export const documentAuditSk = (documentId: string, seq: number) =>
  `DOCAUDIT#${documentId}#${String(seq).padStart(10, '0')}`;

export const campaignChainId = (campaignId: string) => `campaign/${encodeURIComponent(campaignId)}`;
export const COURTS_CHAIN_ID = 'courts';

interface ChainKeys {
  pk: string;
  headSk: string;
  /** Where the chain's entries are: one (pk, sort-key prefix) range or more, read in this order. */
  entries: { pk: string; prefix: string }[];
}

/** The table keys of a chain id; undefined for a name that is not a chain of this table. */
export function chainKeys(chainId: string): ChainKeys | undefined {
  const app = /^application\/([^/]+)$/.exec(chainId);
  if (app?.[1])
    return { pk: `APP#${app[1]}`, headSk: 'APP', entries: [{ pk: `APP#${app[1]}`, prefix: 'AUDIT#' }] };
  const document = /^document\/([^/]+)\/([^/]+)$/.exec(chainId);
  if (document?.[1] && document[2]) {
    const pk = `APP#${document[1]}`;
    return { pk, headSk: `DOC#${document[2]}`, entries: [{ pk, prefix: `DOCAUDIT#${document[2]}#` }] };
  }
  const quota = /^quota\/([^/]+)\/([^/]+)$/.exec(chainId);
  if (quota?.[1] && quota[2]) {
    const campaignId = decodeURIComponent(quota[1]);
    const code = decodeURIComponent(quota[2]);
    const head = quotaKey(campaignId, code);
    return {
      pk: head.pk,
      headSk: head.sk,
      entries: [{ pk: `QUOTA_AUDIT#${campaignId}#${code}`, prefix: 'AUDIT#' }],
    };
  }
  const campaign = /^campaign\/([^/]+)$/.exec(chainId);
  if (campaign?.[1]) {
    const campaignId = decodeURIComponent(campaign[1]);
    return {
      pk: 'CAMPAIGNS',
      headSk: `CAMPAIGN#${campaignId}`,
      entries: [{ pk: `CAMPAIGN_AUDIT#${campaignId}`, prefix: 'AUDIT#' }],
    };
  }
  if (chainId === COURTS_CHAIN_ID)
    return { pk: 'COURTS', headSk: 'REGISTRY', entries: [{ pk: 'COURTS#AUDIT', prefix: 'AUDIT#' }] };
  return undefined;
}

/** The chain an item of the table belongs to (an audit entry or a head row), if any. */
export function chainIdOfItem(item: {
  pk?: unknown;
  sk?: unknown;
  entity?: unknown;
  auditSeq?: unknown;
}): string | undefined {
  const pk = String(item.pk ?? '');
  const sk = String(item.sk ?? '');
  // Campaigns and the registry are seeded without a trail (auditSeq 0 or none): a chain from the first change.
  const changed = typeof item.auditSeq === 'number' && item.auditSeq > 0;
  if (pk === 'CAMPAIGNS' && sk.startsWith('CAMPAIGN#'))
    return changed ? campaignChainId(sk.slice('CAMPAIGN#'.length)) : undefined;
  if (pk === 'COURTS' && sk === 'REGISTRY') return changed ? COURTS_CHAIN_ID : undefined;
  if (pk.startsWith('APP#') && (sk === 'APP' || sk.startsWith('AUDIT#')))
    return applicationChainId(pk.slice(4));
  // A document with a chain (documents stored before documents had chains have none).
  if (pk.startsWith('APP#') && sk.startsWith('DOC#'))
    return changed ? documentChainId(pk.slice(4), sk.slice('DOC#'.length)) : undefined;
  const docEntry = /^DOCAUDIT#([^#]+)#\d+$/.exec(sk);
  if (pk.startsWith('APP#') && docEntry?.[1]) return documentChainId(pk.slice(4), docEntry[1]);
  if (pk.startsWith(QUOTA_PK_PREFIX) && sk) return quotaChainId(pk.slice(QUOTA_PK_PREFIX.length), sk);
  const trail = /^QUOTA_AUDIT#([^#]+)#([^#]+)$/.exec(pk);
  if (trail?.[1] && trail[2] && sk.startsWith('AUDIT#')) return quotaChainId(trail[1], trail[2]);
  return undefined;
}

export function sealShardOf(chainId: string): string {
  const n = createHash('sha256').update(chainId, 'utf8').digest()[0] as number;
  return String(n % SEAL_QUEUE_SHARDS).padStart(2, '0');
}

/**
 * The pending-seal mark to put in the same TransactWriteItems as the audit entry `seq` of `chainId`
 * (no condition: the latest change wins; the chain's own row already serialises its writers).
 */
export function sealPendingPut(tableName: string, chainId: string, seq: number, at: string) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: `${SEAL_QUEUE_PREFIX}${sealShardOf(chainId)}`,
        sk: chainId,
        entity: 'seal-pending',
        chainId,
        seq,
        at,
      },
    },
  };
}

const ENTRY_FIELDS = ['seq', 'at', 'actor', 'action', 'fromStatus', 'toStatus', 'detail', 'hash', 'prevHash'];

function toEntry(item: Record<string, unknown>): ChainedAuditEntry {
  const out: Record<string, unknown> = {};
  for (const k of ENTRY_FIELDS) if (k in item) out[k] = item[k];
  return out as unknown as ChainedAuditEntry;
}

/** The chains of one partition key: application/<id> and its documents' chains share APP#<id>. */
function partitionOf(chainId: string): string | undefined {
  const keys = chainKeys(chainId);
  if (!keys) return undefined;
  return keys.entries.every((range) => range.pk === keys.pk) ? keys.pk : undefined;
}

/** Conditional deletes per TransactWriteItems: an application's marks (about 7) fit in one. */
const CLEAR_BATCH = 25;
const LIST_CONCURRENCY = 8;

export class DynamoAuditChainStore implements AuditChainStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async pendingSeals(limit: number): Promise<PendingSeal[]> {
    const out: PendingSeal[] = [];
    for (let shard = 0; shard < SEAL_QUEUE_SHARDS && out.length < limit; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `${SEAL_QUEUE_PREFIX}${String(shard).padStart(2, '0')}` },
            ProjectionExpression: 'chainId, seq',
            Limit: Math.min(1000, limit - out.length),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          if (typeof item.chainId === 'string' && typeof item.seq === 'number') {
            out.push({ chainId: item.chainId, seq: item.seq });
          }
        }
        start = page.LastEvaluatedKey;
      } while (start && out.length < limit);
    }
    return out;
  }

  /**
   * Every chain of the table through the partitions and the index the sealer is granted (no Scan, which
   * no function is granted): the campaign rows (campaign chains), per campaign its quota rows (quota
   * chains) and its applications (gsi3), per application its partition (the application's and its
   * documents' chains), and the court registry.
   */
  async listChainIds(): Promise<string[]> {
    const ids = new Set<string>();
    const add = (items: Record<string, unknown>[] | undefined) => {
      for (const item of items ?? []) {
        const id = chainIdOfItem(item);
        if (id) ids.add(id);
      }
    };
    const campaigns = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': 'CAMPAIGNS', ':p': 'CAMPAIGN#' },
      ProjectionExpression: 'pk, sk, auditSeq',
    });
    add(campaigns);
    const registry = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: 'COURTS', sk: 'REGISTRY' },
        ProjectionExpression: 'pk, sk, auditSeq',
      }),
    );
    add(registry.Item ? [registry.Item] : []);
    const campaignIds = campaigns.map((c) => String(c.sk).slice('CAMPAIGN#'.length));
    const applicationIds: string[] = [];
    for (const campaignId of campaignIds) {
      add(
        await this.queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `${QUOTA_PK_PREFIX}${campaignId}` },
          ProjectionExpression: 'pk, sk',
        }),
      );
      const apps = await this.queryAll({
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}` },
        ProjectionExpression: 'pk',
      });
      for (const app of apps) applicationIds.push(String(app.pk));
    }
    await mapLimited(applicationIds, LIST_CONCURRENCY, async (pk) =>
      add(
        await this.queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk, auditSeq',
          ConsistentRead: true,
        }),
      ),
    );
    return [...ids].sort();
  }

  /**
   * Every chain in the table, by a Scan: `relief audit verify --full` only, run by an operator (it finds
   * entries whose head row is gone, which no index leads to). No function is granted Scan.
   */
  async scanChainIds(): Promise<string[]> {
    const ids = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const input: ScanCommandInput = {
        TableName: this.tableName,
        ProjectionExpression: 'pk, sk, auditSeq, entity',
        FilterExpression: 'entity = :audit OR attribute_exists(auditSeq)',
        ExpressionAttributeValues: { ':audit': 'audit' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      const page = await this.doc.send(new ScanCommand(input));
      for (const item of page.Items ?? []) {
        const id = chainIdOfItem(item);
        if (id) ids.add(id);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return [...ids].sort();
  }

  /**
   * The chains, each as stored. The chains of one application (its own and its documents') live in its
   * partition: one Query reads all their heads and entries. Other chains: the head row and the entries.
   */
  async readChains(chainIds: readonly string[]): Promise<Map<string, ChainState>> {
    const byPartition = new Map<string, string[]>();
    const single: string[] = [];
    for (const chainId of new Set(chainIds)) {
      const pk = partitionOf(chainId);
      if (pk) byPartition.set(pk, [...(byPartition.get(pk) ?? []), chainId]);
      else single.push(chainId);
    }
    const out = new Map<string, ChainState>();
    await mapLimited([...byPartition], LIST_CONCURRENCY, async ([pk, ids]) => {
      const items = await this.queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      });
      const bySk = new Map(items.map((item) => [String(item.sk), item]));
      for (const chainId of ids) {
        const keys = chainKeys(chainId) as ChainKeys;
        const prefixes = keys.entries.map((range) => range.prefix);
        const entries = items
          .filter((item) => prefixes.some((p) => String(item.sk).startsWith(p)))
          .map(toEntry);
        const state = chainState(chainId, bySk.get(keys.headSk), entries);
        if (state) out.set(chainId, state);
      }
    });
    await mapLimited(single, LIST_CONCURRENCY, async (chainId) => {
      const state = await this.readChain(chainId);
      if (state) out.set(chainId, state);
    });
    return out;
  }

  async readChain(chainId: string): Promise<ChainState | undefined> {
    const keys = chainKeys(chainId);
    if (!keys) return undefined;
    if (partitionOf(chainId)) return (await this.readChains([chainId])).get(chainId);
    const row = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.pk, sk: keys.headSk },
        ConsistentRead: true,
        ProjectionExpression: 'auditSeq, auditHead',
      }),
    );
    const entries: ChainedAuditEntry[] = [];
    for (const range of keys.entries) {
      const items = await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': range.pk, ':p': range.prefix },
        ConsistentRead: true,
      });
      for (const item of items) entries.push(toEntry(item));
    }
    return chainState(chainId, row.Item, entries);
  }

  /**
   * Drops the marks of the sealed chains, each unless a newer change re-marked it: the marks of one
   * seal in TransactWriteItems of conditional deletes (an application's ~7 chains in one request). When
   * one was re-marked (its condition fails) or a writer conflicts, each is deleted on its own.
   */
  async clearPending(sealed: readonly PendingSeal[]): Promise<void> {
    const byPartition = new Map<string, PendingSeal[]>();
    for (const seal of sealed) {
      const group = partitionOf(seal.chainId) ?? seal.chainId;
      byPartition.set(group, [...(byPartition.get(group) ?? []), seal]);
    }
    const batches: PendingSeal[][] = [];
    for (const group of byPartition.values()) {
      for (let i = 0; i < group.length; i += CLEAR_BATCH) batches.push(group.slice(i, i + CLEAR_BATCH));
    }
    await mapLimited(batches, LIST_CONCURRENCY, async (batch) => {
      if (batch.length === 1) return this.clearOne(batch[0] as PendingSeal);
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: batch.map((seal) => ({ Delete: this.clearDelete(seal) })),
          }),
        );
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        for (const seal of batch) await this.clearOne(seal);
      }
    });
  }

  private clearDelete(seal: PendingSeal) {
    return {
      TableName: this.tableName,
      Key: { pk: `${SEAL_QUEUE_PREFIX}${sealShardOf(seal.chainId)}`, sk: seal.chainId },
      ConditionExpression: 'seq <= :s',
      ExpressionAttributeValues: { ':s': seal.seq },
    };
  }

  private async clearOne(seal: PendingSeal): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand(this.clearDelete(seal)));
    } catch (error) {
      // A newer change re-marked the chain after the seal read it: the next seal takes it.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Every item of a (table or index) query, page by page. */
  private queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.tableName, ...input });
  }
}

function chainState(
  chainId: string,
  row: Record<string, unknown> | undefined,
  entries: ChainedAuditEntry[],
): ChainState | undefined {
  entries.sort((a, b) => a.seq - b.seq);
  const seq = row?.auditSeq;
  const hash = row?.auditHead;
  const head = typeof seq === 'number' && typeof hash === 'string' ? { seq, hash } : undefined;
  if (!head && entries.length === 0) return undefined;
  return { chainId, entries, ...(head ? { head } : {}) };
}
