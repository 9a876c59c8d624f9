import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../infra/local/dynamodb.ts';
import { projectionOf, TABLE_DESIGN } from '../../../infra/table-design.ts';
import { useLocalTable } from '../../support/local-table.ts';

const TABLE = 'relief';
const local = useLocalTable({ table: false });

describe('ensureTable', () => {
  it('creates the table from TABLE_DESIGN once and is a no-op the second time', async () => {
    const first = await ensureTable(local.client, TABLE);
    const second = await ensureTable(local.client, TABLE);

    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    // No index holds whole applications: the lists', the queue's and the due index project what their
    // filters need, gsi4 the outbox items' attributes (an application or document on it: its keys).
    const list = ['ancestors', 'campaignId', 'courtCode', 'status'];
    expect(
      Table?.GlobalSecondaryIndexes?.map((g) => [
        g.IndexName,
        g.Projection?.ProjectionType,
        [...(g.Projection?.NonKeyAttributes ?? [])].sort(),
      ]).sort(),
    ).toEqual(
      [
        ['due', 'INCLUDE', list],
        ['gsi1', 'INCLUDE', list],
        ['gsi2', 'INCLUDE', list],
        ['gsi3', 'INCLUDE', list],
        [
          'gsi4',
          'INCLUDE',
          [
            'applicationId',
            'attempts',
            'correlationId',
            'createdAt',
            'dueAt',
            'entity',
            'handoff',
            'kind',
            'level',
            'outcome',
            'submissionSeq',
          ],
        ],
        ['gsi5', 'INCLUDE', list],
      ].sort(),
    );
    expect(Table?.AttributeDefinitions?.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('enables TTL on the design attribute (DynamoDB Local supports it)', async () => {
    const result = await ensureTable(local.client, TABLE);
    const { TimeToLiveDescription } = await local.client.send(
      new DescribeTimeToLiveCommand({ TableName: TABLE }),
    );

    expect(result.ttlEnabled).toBe(true);
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: TABLE_DESIGN.ttlAttribute,
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('adds the indexes the design gained to a table kept from an older design, keeping its items', async () => {
    const [first, ...later] = TABLE_DESIGN.globalSecondaryIndexes;
    await local.client.send(
      new CreateTableCommand({
        TableName: 'older',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', first?.partitionKey, first?.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: first?.indexName,
            KeySchema: [
              { AttributeName: first?.partitionKey, KeyType: 'HASH' },
              { AttributeName: first?.sortKey, KeyType: 'RANGE' },
            ],
            Projection: first ? projectionOf(first.projection) : { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    await local.doc.send(new PutCommand({ TableName: 'older', Item: { pk: 'APP#kept', sk: 'APP' } }));

    const result = await ensureTable(local.client, 'older');

    expect(result.indexesAdded).toEqual(later.map((g) => g.indexName));
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: 'older' }));
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(
      TABLE_DESIGN.globalSecondaryIndexes.map((g) => g.indexName).sort(),
    );
    const kept = await local.doc.send(
      new GetCommand({ TableName: 'older', Key: { pk: 'APP#kept', sk: 'APP' } }),
    );
    expect(kept.Item).toBeDefined();
    expect((await ensureTable(local.client, 'older')).indexesAdded).toEqual([]);
  });

  it('refuses an existing table whose keys differ from the design', async () => {
    await local.client.send(
      new CreateTableCommand({
        TableName: 'stale',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );

    await expect(ensureTable(local.client, 'stale')).rejects.toThrow(
      /does not match infra\/table-design\.ts.*index gsi1 is missing/,
    );
  });
});

describe('the table', () => {
  beforeAll(async () => {
    await ensureTable(local.client, TABLE);
  });

  it('stores and reads an item by primary key, and a missing key reads nothing', async () => {
    await local.doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'APP#1', sk: 'APP', status: 'SUBMITTED', note: undefined },
      }),
    );

    const found = await local.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'APP#1', sk: 'APP' } }));
    const missing = await local.doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'APP#2', sk: 'APP' } }),
    );

    expect(found.Item).toEqual({ pk: 'APP#1', sk: 'APP', status: 'SUBMITTED' });
    expect(missing.Item).toBeUndefined();
  });

  it.each(TABLE_DESIGN.globalSecondaryIndexes)(
    'queries $indexName by its partition and sort key',
    async (gsi) => {
      const key = (id: string, createdAt: string, court: string) => ({
        pk: `APP#${gsi.indexName}-${id}`,
        sk: 'APP',
        [gsi.partitionKey]: `X#${gsi.indexName}-${court}`,
        [gsi.sortKey]: `${createdAt}#${id}`,
      });
      await local.doc.send(new PutCommand({ TableName: TABLE, Item: key('b', '2025-02-01', 'c1') }));
      await local.doc.send(new PutCommand({ TableName: TABLE, Item: key('a', '2025-01-01', 'c1') }));
      await local.doc.send(new PutCommand({ TableName: TABLE, Item: key('z', '2025-01-15', 'c2') }));

      const { Items } = await local.doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: gsi.indexName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :year)',
          ExpressionAttributeNames: { '#pk': gsi.partitionKey, '#sk': gsi.sortKey },
          ExpressionAttributeValues: { ':pk': `X#${gsi.indexName}-c1`, ':year': '2025-' },
        }),
      );

      expect(Items?.map((i) => i.pk)).toEqual([`APP#${gsi.indexName}-a`, `APP#${gsi.indexName}-b`]);
    },
  );

  it('rejects a query on an index that does not exist', async () => {
    await expect(
      local.doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'gsi9',
          KeyConditionExpression: 'gsi9pk = :pk',
          ExpressionAttributeValues: { ':pk': 'x' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('writes nothing from a transaction whose condition fails, and names the failing item', async () => {
    await local.doc.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'DUP#c#p', sk: 'DUP', applicationId: 'old' } }),
    );

    const error = await local.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: 'APP#tx', sk: 'APP', status: 'SUBMITTED' } } },
            {
              Put: {
                TableName: TABLE,
                Item: { pk: 'DUP#c#p', sk: 'DUP', applicationId: 'tx' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
    const app = await local.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'APP#tx', sk: 'APP' } }));
    const dup = await local.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'DUP#c#p', sk: 'DUP' } }));
    expect(app.Item).toBeUndefined();
    expect(dup.Item?.applicationId).toBe('old');
  });

  it('lets exactly floor(available / amount) of 50 concurrent conditional decrements succeed', async () => {
    const initial = 1_000;
    const amount = 30;
    const key = { pk: 'QUOTA#c1', sk: 'hc1' };
    await local.doc.send(new PutCommand({ TableName: TABLE, Item: { ...key, availableFen: initial } }));

    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        local.doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET availableFen = availableFen - :amt',
            ConditionExpression: 'availableFen >= :amt',
            ExpressionAttributeValues: { ':amt': amount },
          }),
        ),
      ),
    );

    const successes = outcomes.filter((o) => o.status === 'fulfilled').length;
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(successes).toBe(Math.floor(initial / amount));
    expect(failures.every((f) => (f.reason as Error).name === 'ConditionalCheckFailedException')).toBe(true);
    const { Item } = await local.doc.send(
      new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
    );
    expect(Item?.availableFen).toBe(initial - successes * amount);
    expect(Item?.availableFen).toBeGreaterThanOrEqual(0);
  });
});
