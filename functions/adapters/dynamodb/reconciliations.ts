import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotentWrite } from '../../ports/idempotency.ts';
import type { ReconciliationStore, StoredReconciliation } from '../../ports/reconciliations.ts';
import { idempotencyPut, replayOf } from './idempotency.ts';

const keyOf = (campaignId: string, id: string) => ({ pk: `RECON#${campaignId}`, sk: `RECON#${id}` });

/** Reconciliations as their own items of the single table, written once with their key record. */
export class DynamoReconciliationStore implements ReconciliationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async put(rec: StoredReconciliation, idempotency?: IdempotentWrite<StoredReconciliation>): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: { ...keyOf(rec.campaignId, rec.id), entity: 'reconciliation', ...rec },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    if (!idempotency) {
      await this.doc.send(new PutCommand(put));
      return;
    }
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: put }, idempotencyPut(this.tableName, idempotency, rec, this.now())],
        }),
      );
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] })
        .CancellationReasons;
      if (
        (error as Error).name === 'TransactionCanceledException' &&
        reasons?.[1]?.Code === 'ConditionalCheckFailed'
      ) {
        const replay = await replayOf(
          this.doc,
          this.tableName,
          idempotency,
          reasons[1].Item as Record<string, unknown> | undefined,
        );
        if (replay) throw replay;
      }
      throw error;
    }
  }

  async get(campaignId: string, id: string): Promise<StoredReconciliation | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(campaignId, id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, entity: _e, ...rest } = out.Item;
    return rest as StoredReconciliation;
  }
}
