import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoCourtStore, encodeCourts } from '../../../functions/adapters/dynamodb/courts.ts';
import { COURTS } from '../../../functions/domain/courts.ts';

/** The container's copy of the court registry: one ~40 KB item that every intake and submission needs. */
const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  ddb.reset();
});

// ttlMs 0: every call past the first re-checks the version.
const store = () =>
  new DynamoCourtStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    'relief',
    () => new Date(),
    0,
  );

const item = (version: number) => ({
  pk: 'COURTS',
  sk: 'REGISTRY',
  entity: 'court-registry',
  version,
  auditSeq: version - 1,
  data: encodeCourts(COURTS.slice(0, 40)),
});

const versionCheck = { ProjectionExpression: 'version' };
const calls = () => ddb.commandCalls(GetCommand).map((c) => c.args[0].input);

describe('DynamoCourtStore: the registry cached per container', () => {
  it('re-checks the version with an eventually consistent read (half the units) and keeps its copy when unchanged', async () => {
    ddb.on(GetCommand, versionCheck).resolves({ Item: { version: 3 } });
    ddb.on(GetCommand, { ConsistentRead: true }).resolves({ Item: item(3) });
    const s = store();
    const first = await s.registry();
    expect(await s.registry()).toBe(first);
    const [full, check] = calls();
    expect(full?.ConsistentRead).toBe(true);
    expect(check?.ProjectionExpression).toBe('version');
    expect(check?.ConsistentRead).toBeUndefined();
    expect(calls()).toHaveLength(2);
  });

  it('takes a version older than its copy for the eventual read’s lag, not a change: no full read', async () => {
    ddb.on(GetCommand, { ConsistentRead: true }).resolves({ Item: item(4) });
    ddb.on(GetCommand, versionCheck).resolves({ Item: { version: 3 } });
    const s = store();
    const first = await s.registry();
    expect(await s.registry()).toBe(first);
    expect(calls()).toHaveLength(2);
  });

  it('reads the whole registry again, consistently, when the version moved on', async () => {
    ddb.on(GetCommand).resolves({ Item: item(3) });
    ddb.on(GetCommand, versionCheck).resolves({ Item: { version: 4 } });
    const s = store();
    await s.registry();
    ddb.on(GetCommand, { ConsistentRead: true }).resolves({ Item: item(4) });
    expect((await s.registry()).version).toBe(4);
    expect(calls().map((c) => [c.ProjectionExpression, c.ConsistentRead])).toEqual([
      [undefined, true],
      ['version', undefined],
      [undefined, true],
    ]);
  });

  it('checks the version consistently for a writer (fresh), which conditions on it', async () => {
    ddb.on(GetCommand).resolves({ Item: item(3) });
    ddb.on(GetCommand, versionCheck).resolves({ Item: { version: 3 } });
    const s = store();
    await s.registry();
    await s.registry({ fresh: true });
    expect(calls()[1]).toMatchObject({ ProjectionExpression: 'version', ConsistentRead: true });
  });
});
