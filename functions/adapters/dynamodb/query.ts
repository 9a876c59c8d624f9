import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../../lib/retry.ts';

/**
 * Every item a (table or index) query matches, following LastEvaluatedKey past DynamoDB's 1 MB pages
 * (`Limit`, if given, sizes each page, not the whole). Only for reads known to be small: the rows of
 * one partition prefix (campaigns, quota rows, report rows, a trail); lists served to users page instead.
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return items;
}

/**
 * The items of `keys` (each found one once, in no particular order): one BatchGetItem per 100 keys,
 * the keys DynamoDB leaves unprocessed read again with backoff, at most `requests` requests per 100;
 * `giveUp()` is thrown when keys are still unprocessed after that.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: {
    consistent?: boolean;
    projection?: string;
    requests: number;
    giveUp: () => Error;
  },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= options.requests) throw options.giveUp();
      if (attempt > 0) await sleep(backoffMs(attempt - 1));
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      items.push(...((out.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return items;
}
