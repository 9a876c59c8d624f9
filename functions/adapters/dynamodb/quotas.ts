import { type DynamoDBDocumentClient, GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { nextAllocation, type SweptRelease, sweptRelease } from '../../domain/quota.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import { backoffMs, CONFLICT_RETRY, sleep } from '../../lib/retry.ts';
import type { AuditEntry, AuditInput } from '../../ports/applications.ts';
import type { IdempotentWrite } from '../../ports/idempotency.ts';
import type { QuotaLedger, StoredQuota } from '../../ports/quotas.ts';
import { quotaChainId, sealPendingPut } from './audit-chains.ts';
import { idempotencyPut, replayOf } from './idempotency.ts';
import { queryAll } from './query.ts';
import { quotaAttributes, quotaFromItem, quotaKey } from './quota-keys.ts';
import { settleEntry, settleUpdate } from './quota-reservations.ts';
import { type Labelled, writeLabelled } from './transaction.ts';

export { QuotaBelowCommittedError } from '../../ports/quotas.ts';

/**
 * A quota's allocation trail lives in its own partition, one per campaign and high court, so that
 * however often the SPC reallocates, the quota rows' partition stays 32 small items.
 */
const auditKey = (campaignId: string, code: string, seq: number) => ({
  pk: `QUOTA_AUDIT#${campaignId}#${code}`,
  sk: `AUDIT#${String(seq).padStart(10, '0')}`,
});

function toQuota(item: Record<string, unknown>): StoredQuota {
  return quotaFromItem<StoredQuota>(item);
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as unknown as AuditEntry;
}

/**
 * The quota ledger (保险救助金额度): one item per campaign and high court with allocated, reserved,
 * disbursed and available counters. Reservations happen inside the decision transaction (see the
 * application repository); allocations by the SPC are audited on the quota's own hash chain.
 */
export class DynamoQuotaLedger implements QuotaLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
    /** Items per Query page; DynamoDB's own 1 MB page limit applies either way. Tests lower it. */
    private readonly pageSize?: number,
  ) {}

  /** Every item a query matches, following LastEvaluatedKey past DynamoDB's 1 MB pages. */
  private queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { ...input, ...(this.pageSize ? { Limit: this.pageSize } : {}) });
  }

  async get(campaignId: string, highCourtCode: string): Promise<StoredQuota | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: quotaKey(campaignId, highCourtCode),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toQuota(out.Item) : undefined;
  }

  async list(campaignId: string): Promise<StoredQuota[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': quotaKey(campaignId, '').pk },
      ConsistentRead: true,
    });
    return items.map(toQuota);
  }

  /**
   * Sets the allocation; never below what is reserved and disbursed. Retries (bounded, jittered) when a
   * reservation or another allocation raced it, then gives up with ConcurrentUpdateError (409). With
   * `idempotency`, the key's response is recorded in the same transaction.
   */
  async allocate(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    audit: AuditInput,
    idempotency?: IdempotentWrite<StoredQuota>,
  ): Promise<StoredQuota> {
    for (let attempt = 0; attempt < CONFLICT_RETRY.attempts; attempt++) {
      const current = await this.get(campaignId, highCourtCode);
      const at = this.now().toISOString();
      const { next, entry } = nextAllocation(current, { campaignId, highCourtCode, allocatedFen, at, audit });
      const seq = entry.seq;
      const labelled: Labelled[] = [
        [
          'quota',
          {
            Put: {
              TableName: this.tableName,
              // The row's reservation entries go back as they were read (the Put is conditioned on its version).
              Item: { ...quotaKey(campaignId, highCourtCode), entity: 'quota', ...quotaAttributes(next) },
              ConditionExpression: current ? 'version = :v' : 'attribute_not_exists(pk)',
              ...(current ? { ExpressionAttributeValues: { ':v': current.version } } : {}),
            },
          },
        ],
        [
          'audit',
          {
            Put: {
              TableName: this.tableName,
              Item: { ...auditKey(campaignId, highCourtCode, seq), entity: 'quota-audit', ...entry },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      ];
      if (idempotency) {
        labelled.push(['idempotency', idempotencyPut(this.tableName, idempotency, next, this.now())]);
      }
      labelled.push([
        'seal-pending',
        sealPendingPut(this.tableName, quotaChainId(campaignId, highCourtCode), seq, at),
      ]);
      const cancelled = await writeLabelled(this.doc, labelled);
      if (!cancelled) return next;
      if (idempotency && cancelled.failed.has('idempotency')) {
        // A concurrent request with the same key recorded its response first: that one is the answer.
        const replay = await replayOf(this.doc, this.tableName, idempotency, cancelled.itemOf('idempotency'));
        if (replay) throw replay;
      }
      await sleep(backoffMs(attempt));
    }
    // Other writers kept winning: nothing was written; 409 CONCURRENT_UPDATE, never a 500.
    throw new ConcurrentUpdateError(
      'The quota is being changed concurrently; nothing was written. Retry shortly.',
    );
  }

  async settleReservation(
    campaignId: string,
    highCourtCode: string,
    key: string,
    how: 'release' | 'drop',
    release: Omit<SweptRelease, 'at'>,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < CONFLICT_RETRY.attempts; attempt++) {
      const current = await this.get(campaignId, highCourtCode);
      const reservation = current?.reservations?.[key];
      if (!current || !reservation) return false;
      const at = this.now().toISOString();
      const target = { campaignId, highCourtCode, key, amountFen: reservation.amountFen };
      if (how === 'drop') return settleEntry(this.doc, this.tableName, target, 'drop');
      const swept = sweptRelease(current, key, { ...release, at });
      if (!swept) return false;
      const { next, entry } = swept;
      const cancelled = await writeLabelled(this.doc, [
        [
          'quota',
          {
            // Conditioned on the version read: the chain head written is the one the entry builds on.
            Update: settleUpdate(this.tableName, target, 'release', {
              set: ['auditSeq = :s', 'auditHead = :h', 'updatedAt = :at'],
              condition: 'version = :v',
              values: { ':s': entry.seq, ':h': entry.hash, ':at': at, ':v': current.version },
            }),
          },
        ],
        [
          'audit',
          {
            Put: {
              TableName: this.tableName,
              Item: { ...auditKey(campaignId, highCourtCode, entry.seq), entity: 'quota-audit', ...entry },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        [
          'seal-pending',
          sealPendingPut(this.tableName, quotaChainId(campaignId, highCourtCode), entry.seq, at),
        ],
      ]);
      if (!cancelled) return next.reservations?.[key] === undefined;
      await sleep(backoffMs(attempt));
    }
    throw new ConcurrentUpdateError('The quota is being changed concurrently; nothing was written.');
  }

  /** The allocation trail, oldest first. */
  async listAudit(campaignId: string, highCourtCode: string): Promise<AuditEntry[]> {
    const own = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': auditKey(campaignId, highCourtCode, 0).pk, ':p': 'AUDIT#' },
      ConsistentRead: true,
    });
    return own.map(toEntry).sort((a, b) => a.seq - b.seq);
  }
}
