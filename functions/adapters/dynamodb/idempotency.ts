import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
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
} from '../../ports/idempotency.ts';

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
  const { response, ...record } = recordOf(write, stored);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...idempotencyKey(record.scope, record.key),
        entity: 'idempotency',
        ...record,
        ...storedResponse(response),
        expiresAtEpoch: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * A stored response larger than this is kept gzip-compressed in `responseGz` (binary) instead of as a
 * map in `response`: a decision's answer carries its evidence set and a closure's the whole application
 * (≈ 1.3 KB and 6 KB), and the record is written inside the change's transaction, at 2 WRU per started
 * KB. The replay is the same response: the JSON it was stored from, parsed (a map read back would not
 * even keep its key order). Records stored before, with `response`, read as they are.
 */
const COMPRESS_ABOVE_BYTES = 512;

function storedResponse(response: IdempotencyRecord['response']): Record<string, unknown> {
  const json = JSON.stringify(response);
  return Buffer.byteLength(json, 'utf8') > COMPRESS_ABOVE_BYTES
    ? { responseGz: gzipSync(json) }
    : { response };
}

function toRecord(item: Record<string, unknown>): IdempotencyRecord {
  const compressed = item.responseGz instanceof Uint8Array ? item.responseGz : undefined;
  return {
    scope: item.scope as string,
    key: item.key as string,
    requestHash: item.requestHash as string,
    response: compressed
      ? (JSON.parse(gunzipSync(compressed).toString('utf8')) as IdempotencyRecord['response'])
      : (item.response as IdempotencyRecord['response']),
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
