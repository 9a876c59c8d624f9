import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../ports/idempotency.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Kept a week: far beyond any client's retry window, then expired by the table's TTL. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Idempotency records in the single table, shared by every store that writes one (applications, quotas,
 * reports). The partition key is a hash of scope and key: a scope holds a court code and a subject of up
 * to 256 characters, and the hash keeps the key short and unambiguous whatever they contain.
 */
export function idempotencyKey(scope: string, key: string) {
  const digest = createHash('sha256')
    .update(JSON.stringify([scope, key]))
    .digest('hex');
  return { pk: `IDEMP#${digest}`, sk: 'IDEMP' };
}

/** The Put that records `write`'s response to `stored`, to go in the same transaction as the change. */
export function idempotencyPut<T>(
  tableName: string,
  write: IdempotentWrite<T>,
  stored: T,
  now: Date,
): TransactItem {
  const record = recordOf(write, stored);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...idempotencyKey(record.scope, record.key),
        entity: 'idempotency',
        ...record,
        expiresAtEpoch: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

function toRecord(item: Record<string, unknown>): IdempotencyRecord {
  return {
    scope: item.scope as string,
    key: item.key as string,
    requestHash: item.requestHash as string,
    response: item.response as IdempotencyRecord['response'],
  };
}

export async function readIdempotency(
  doc: DynamoDBDocumentClient,
  tableName: string,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: tableName, Key: idempotencyKey(scope, key), ConsistentRead: true }),
  );
  const item = out.Item as Record<string, unknown> | undefined;
  return item && item.scope === scope && item.key === key ? toRecord(item) : undefined;
}

/**
 * The IdempotencyReplay to throw when the key record's condition failed in a cancelled transaction:
 * the concurrent request that won recorded its response first. Uses the item DynamoDB returned with
 * the cancellation, else reads it.
 */
export async function replayOf(
  doc: DynamoDBDocumentClient,
  tableName: string,
  write: { scope: string; key: string },
  returned: Record<string, unknown> | undefined,
): Promise<IdempotencyReplay | undefined> {
  const record =
    returned && returned.scope === write.scope && returned.key === write.key
      ? toRecord(returned)
      : await readIdempotency(doc, tableName, write.scope, write.key);
  return record ? new IdempotencyReplay(record) : undefined;
}
