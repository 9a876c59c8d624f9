import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { GENESIS_HASH, hashEntry } from '../domain/audit-chain.ts';
import type { AuditEntry, AuditInput } from '../ports/applications.ts';
import type { QuotaRecord } from '../ports/campaigns.ts';
import { quotaChainId, sealPendingPut } from './dynamo-audit-chains.ts';

export class QuotaBelowCommittedError extends Error {
  override name = 'QuotaBelowCommittedError';
}

type StoredQuota = QuotaRecord & { auditSeq?: number; auditHead?: string };

const quotaKey = (campaignId: string, code: string) => ({
  pk: `CAMPAIGN#${campaignId}`,
  sk: `QUOTA#${code}`,
});

function toQuota(item: Record<string, unknown>): StoredQuota {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as unknown as StoredQuota;
}

/**
 * The quota ledger (保险救助金额度): one item per campaign and high court with allocated, reserved,
 * disbursed and available counters. Reservations happen inside the decision transaction (see the
 * application repository); allocations by the SPC are audited on the quota's own hash chain.
 */
export class DynamoQuotaLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':q': 'QUOTA#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).filter((i) => !String(i.sk).includes('#AUDIT#')).map(toQuota);
  }

  /** Sets the allocation; never below what is reserved and disbursed. Retries when a reservation raced it. */
  async allocate(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    audit: AuditInput,
  ): Promise<StoredQuota> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.get(campaignId, highCourtCode);
      const at = this.now().toISOString();
      const base: StoredQuota = current ?? {
        campaignId,
        highCourtCode,
        allocatedFen: 0,
        reservedFen: 0,
        disbursedFen: 0,
        availableFen: 0,
        version: 0,
        updatedAt: at,
      };
      if (allocatedFen < base.reservedFen + base.disbursedFen) {
        throw new QuotaBelowCommittedError('The allocation would fall below what is reserved and disbursed.');
      }
      const seq = (base.auditSeq ?? 0) + 1;
      const content = {
        seq,
        at,
        actor: { sub: audit.actor.sub, court: audit.actor.court, roles: [...audit.actor.roles] },
        action: audit.action,
        fromStatus: null,
        toStatus: null,
        detail: { ...audit.detail, fromAllocatedFen: base.allocatedFen, toAllocatedFen: allocatedFen },
      };
      const prevHash = base.auditHead ?? GENESIS_HASH;
      const hash = hashEntry(content, prevHash);
      const next: StoredQuota = {
        ...base,
        allocatedFen,
        availableFen: allocatedFen - base.reservedFen - base.disbursedFen,
        version: base.version + 1,
        updatedAt: at,
        auditSeq: seq,
        auditHead: hash,
      };
      const entry: AuditEntry = { ...content, hash, prevHash };
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...quotaKey(campaignId, highCourtCode), entity: 'quota', ...next },
                  ConditionExpression: current ? 'version = :v' : 'attribute_not_exists(pk)',
                  ...(current ? { ExpressionAttributeValues: { ':v': current.version } } : {}),
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk: `CAMPAIGN#${campaignId}`,
                    sk: `QUOTA#${highCourtCode}#AUDIT#${String(seq).padStart(10, '0')}`,
                    entity: 'audit',
                    ...entry,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              sealPendingPut(this.tableName, quotaChainId(campaignId, highCourtCode), seq, at),
            ],
          }),
        );
        return next;
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error('quota allocation kept conflicting');
  }

  async listAudit(campaignId: string, highCourtCode: string): Promise<AuditEntry[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':p': `QUOTA#${highCourtCode}#AUDIT#` },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => {
      const { pk: _pk, sk: _sk, entity: _e, ...rest } = i;
      return rest as AuditEntry;
    });
  }
}
