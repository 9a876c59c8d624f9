/**
 * The local runner's stand-in for the deployed LeadingKeys grants (infra/local/access-guard.ts): what
 * each DynamoDB request touches, and whether the spec's access covers it. The e2e tier runs with it
 * enforced, so a use case that starts touching a partition its spec does not name fails there.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Access } from '../../../functions/lib/access.ts';
import {
  installAccessGuard,
  refusalOf,
  runUnder,
  tableRequestsOf,
} from '../../../infra/local/access-guard.ts';

const webhook: Access = {
  table: { read: ['CAMPAIGNS'], write: ['APP', 'QUOTA', 'REPORT'], indexes: ['gsi4'] },
};

describe('tableRequestsOf', () => {
  it('reads the partition key of items, keys, key conditions (aliased too) and every item of a transaction', () => {
    expect(tableRequestsOf('GetItemCommand', { Key: { pk: { S: 'APP#1' }, sk: { S: 'APP' } } })).toEqual([
      { action: 'read', pk: 'APP#1' },
    ]);
    expect(tableRequestsOf('PutCommand', { Item: { pk: 'QUOTA#demo', sk: 'BJ' } })).toEqual([
      { action: 'write', pk: 'QUOTA#demo' },
    ]);
    expect(
      tableRequestsOf('QueryCommand', {
        KeyConditionExpression: '#p = :v AND begins_with(sk, :s)',
        ExpressionAttributeNames: { '#p': 'pk' },
        ExpressionAttributeValues: { ':v': 'REPORT#demo', ':s': 'HIGH#' },
      }),
    ).toEqual([{ action: 'read', pk: 'REPORT#demo' }]);
    expect(
      tableRequestsOf('QueryCommand', { IndexName: 'gsi4', KeyConditionExpression: 'gsi4pk = :p' }),
    ).toEqual([{ action: 'read', index: 'gsi4' }]);
    expect(
      tableRequestsOf('TransactWriteItemsCommand', {
        TransactItems: [
          { Put: { Item: { pk: 'APP#1' } } },
          { Update: { Key: { pk: 'QUOTA#demo' } } },
          { Delete: { Key: { pk: 'DUP#c#p' } } },
          { ConditionCheck: { Key: { pk: 'CAMPAIGNS' } } },
        ],
      }),
    ).toEqual([
      { action: 'write', pk: 'APP#1' },
      { action: 'write', pk: 'QUOTA#demo' },
      { action: 'write', pk: 'DUP#c#p' },
      { action: 'read', pk: 'CAMPAIGNS' },
    ]);
    expect(
      tableRequestsOf('BatchWriteCommand', {
        RequestItems: {
          t: [{ PutRequest: { Item: { pk: 'APP#1' } } }, { DeleteRequest: { Key: { pk: 'SEALQ#01' } } }],
        },
      }),
    ).toEqual([
      { action: 'write', pk: 'APP#1' },
      { action: 'write', pk: 'SEALQ#01' },
    ]);
    expect(tableRequestsOf('BatchGetCommand', { RequestItems: { t: { Keys: [{ pk: 'COURTS' }] } } })).toEqual(
      [{ action: 'read', pk: 'COURTS' }],
    );
    expect(tableRequestsOf('ScanCommand', {})).toEqual([{ action: 'read', scan: true }]);
  });
});

describe('refusalOf', () => {
  it('allows written families to be read, and refuses writes to read-only families, other families, indexes and Scan', () => {
    expect(refusalOf(webhook, { action: 'write', pk: 'QUOTA#demo' })).toBeUndefined();
    expect(refusalOf(webhook, { action: 'read', pk: 'APP#1' })).toBeUndefined();
    expect(refusalOf(webhook, { action: 'read', pk: 'CAMPAIGNS' })).toBeUndefined();
    expect(refusalOf(webhook, { action: 'read', index: 'gsi4' })).toBeUndefined();
    expect(refusalOf(webhook, { action: 'write', pk: 'CAMPAIGNS' })).toBe(
      'write CAMPAIGNS not in access.table',
    );
    expect(refusalOf(webhook, { action: 'read', pk: 'QUOTA_AUDIT#demo#BJ' })).toBe(
      'read QUOTA_AUDIT not in access.table',
    );
    expect(refusalOf(webhook, { action: 'read', index: 'gsi1' })).toBe(
      'index gsi1 not in access.table.indexes',
    );
    expect(refusalOf(webhook, { action: 'read', pk: 'NEW#1' })).toBe(
      'partition NEW#1 belongs to no key family',
    );
    expect(refusalOf(webhook, { action: 'read', scan: true })).toBe('Scan is not granted to functions');
    expect(refusalOf({}, { action: 'read', pk: 'APP#1' })).toBe('no table access');
  });
});

describe('installAccessGuard', () => {
  /** A document client whose requests never leave the process: answered empty after the guard. */
  function client() {
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'cn-northwest-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      }),
    );
    doc.middlewareStack.add(() => async () => ({ output: { $metadata: {} } as never, response: {} }), {
      step: 'build',
      name: 'answerEmpty',
      priority: 'low',
    });
    installAccessGuard(doc, 'enforce');
    return doc;
  }

  it('refuses, as AWS would, a request outside the entry’s grant and lets one inside through', async () => {
    const doc = client();
    await expect(
      runUnder('insurerWebhook', webhook, () =>
        doc.send(new PutCommand({ TableName: 't', Item: { pk: 'CAMPAIGNS', sk: 'CAMPAIGN#demo' } })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      runUnder('insurerWebhook', webhook, () =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: 't', Item: { pk: 'APP#1', sk: 'APP' } } },
              {
                Update: {
                  TableName: 't',
                  Key: { pk: 'COURTS', sk: 'REGISTRY' },
                  UpdateExpression: 'SET a = :a',
                },
              },
            ],
          }),
        ),
      ),
    ).rejects.toThrow(/insurerWebhook is not authorized .* COURTS/);
    await expect(
      runUnder('insurerWebhook', webhook, () =>
        doc.send(new GetCommand({ TableName: 't', Key: { pk: 'QUOTA#demo', sk: 'BJ' } })),
      ),
    ).resolves.toBeDefined();
    await expect(
      runUnder('insurerWebhook', webhook, () =>
        doc.send(
          new QueryCommand({
            TableName: 't',
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'IDEMP#x' },
          }),
        ),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('leaves requests outside any entry alone (the runner’s own seeding)', async () => {
    await expect(
      client().send(new PutCommand({ TableName: 't', Item: { pk: 'CAMPAIGNS', sk: 'CAMPAIGN#demo' } })),
    ).resolves.toBeDefined();
  });
});
