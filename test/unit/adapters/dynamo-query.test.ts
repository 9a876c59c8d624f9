import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetAll, queryAll } from '../../../functions/adapters/dynamodb/query.ts';

/** The two paged reads every DynamoDB adapter uses: DynamoDB answers in parts, never trust one answer. */
const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  ddb.reset();
});
const doc = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `APP#${i}`, sk: 'APP' }));
class GaveUp extends Error {}

describe('batchGetAll', () => {
  it('reads 100 keys per request and reads the unprocessed keys again until none is left', async () => {
    const asked: number[] = [];
    let withheld = false;
    ddb.on(BatchGetCommand).callsFake((input) => {
      const got = input.RequestItems.t.Keys as Record<string, unknown>[];
      asked.push(got.length);
      // The first answer leaves its last three keys unprocessed, as a throttled table does.
      const leave = withheld ? 0 : 3;
      withheld = true;
      return {
        Responses: { t: got.slice(0, got.length - leave) },
        UnprocessedKeys: leave ? { t: { Keys: got.slice(got.length - leave) } } : {},
      };
    });
    const items = await batchGetAll(doc(), 't', keys(150), {
      consistent: true,
      requests: 3,
      giveUp: () => new GaveUp(),
    });
    expect(asked).toEqual([100, 3, 50]);
    expect(items.map((i) => i.pk).sort()).toEqual(
      keys(150)
        .map((k) => k.pk)
        .sort(),
    );
    const first = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.t;
    expect(first?.ConsistentRead).toBe(true);
  });

  it('gives up after its number of requests while keys stay unprocessed', async () => {
    ddb.on(BatchGetCommand).callsFake((input) => ({
      Responses: { t: [] },
      UnprocessedKeys: { t: { Keys: input.RequestItems.t.Keys } },
    }));
    await expect(
      batchGetAll(doc(), 't', keys(2), { requests: 3, giveUp: () => new GaveUp() }),
    ).rejects.toBeInstanceOf(GaveUp);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });
});

describe('queryAll', () => {
  it('follows LastEvaluatedKey to the last page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'p', sk: '1' } })
      .resolvesOnce({ Items: [{ n: 2 }] });
    const items = await queryAll(doc(), { TableName: 't', KeyConditionExpression: 'pk = :p' });
    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ pk: 'p', sk: '1' });
  });
});
