import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository, shardOf } from '../../../functions/adapters/dynamodb/applications.ts';
import { toProblem } from '../../../functions/lib/http.ts';
import { withInvocationScope } from '../../../functions/lib/invocation.ts';
import type { ApplicationRecord } from '../../../functions/ports/applications.ts';
import { IdempotencyReplay, VersionConflictError } from '../../../functions/ports/applications.ts';

/** Error paths of the decision write that DynamoDB Local cannot be made to produce: throttling inside a transaction. */
const ddb = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  ddb.reset();
});

const stored = {
  pk: 'APP#A',
  sk: 'APP',
  id: 'A',
  version: 3,
  auditSeq: 5,
  auditHead: 'f'.repeat(64),
  status: 'pending_approval',
  duplicateKey: 'k',
  courtCode: 'BJ0105',
  highCourtCode: 'BJ',
  campaignId: 'demo',
  createdAt: '2026-11-25T00:00:00.000Z',
} as unknown as ApplicationRecord;

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const repo = () =>
  new DynamoApplicationRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    'relief',
    () => new Date('2026-11-25T08:00:00Z'),
  );

const approve = (current: ApplicationRecord) => ({
  next: { ...current, status: 'awaiting_payout' as const, version: current.version + 1 },
  audit: {
    actor: { sub: 'u', court: 'BJ', roles: ['approver' as const] },
    action: 'decision.approve',
    fromStatus: current.status,
    toStatus: 'awaiting_payout' as const,
    detail: {},
  },
});

describe('DynamoApplicationRepository.update under throttling', () => {
  it('retries a transaction cancelled by throttling and writes once', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ThrottlingError', 'None')).resolves({});
    // The reservation: taken by the first attempt; the second finds its entry (same read) and reuses it.
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejects(
        Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
          Item: { 'rsv#A#v3': { applicationId: 'A', version: 3, amountFen: 1 } },
        }),
      );
    const result = await repo().update('A', approve, {
      quota: { campaignId: 'demo', highCourtCode: 'BJ', amountFen: 1, op: 'reserve', key: 'A#v3' },
    });
    expect(result.status).toBe('awaiting_payout');
    expect(result.auditSeq).toBe(6);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
    // Both attempts carried the whole change: application, audit entry and the pending-seal mark of the
    // audit chain in one transaction; the quota row is reserved outside it (one conditional update).
    for (const call of ddb.commandCalls(TransactWriteCommand)) {
      expect(call.args[0].input.TransactItems).toHaveLength(3);
    }
    const reservations = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(reservations).toHaveLength(2);
    for (const input of reservations) {
      expect(input).toMatchObject({
        Key: { pk: 'QUOTA#demo', sk: 'BJ' },
        ConditionExpression: 'attribute_not_exists(#e) AND availableFen >= :a',
        ExpressionAttributeNames: { '#e': 'rsv#A#v3' },
      });
    }
  });

  it('gives up after bounded attempts with an error the API maps to 429, having written nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).rejects(cancelled('ThrottlingError'));
    const error = await repo()
      .update('A', approve)
      .catch((e: unknown) => e);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeLessThanOrEqual(10);
    expect(toProblem(error, 'r').statusCode).toBe(429);
  });

  it('reports a stale If-Match as a version conflict without writing', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    await expect(repo().update('A', approve, { expectedVersion: 2 })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('does not retry a failure that is not a conflict (e.g. a validation error)', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('bad'), { name: 'ValidationException' }));
    await expect(repo().update('A', approve)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('DynamoApplicationRepository.update under contention', () => {
  it('gives up on a conflict that persists with 409 CONCURRENT_UPDATE and Retry-After, having written nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const error = await repo()
      .update('A', approve)
      .catch((e: unknown) => e);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(10);
    const problem = toProblem(error, 'r');
    expect(problem.statusCode).toBe(409);
    expect(JSON.parse(problem.body as string).code).toBe('CONCURRENT_UPDATE');
    expect(problem.headers?.['retry-after']).toBe('1');
  });
});

describe('DynamoApplicationRepository idempotency records', () => {
  const write = {
    scope: '["BJ","u","decideApplication","{}"]',
    key: 'k1',
    requestHash: 'h'.repeat(64),
    respond: (app: ApplicationRecord) => ({ status: 200, body: { status: app.status }, headers: {} }),
  };

  it('writes the key record, rendered from the record being stored, in the same transaction as the change', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    await repo().update('A', approve, { idempotency: write });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const record = items.find((i) => i.Put?.Item?.entity === 'idempotency')?.Put;
    expect(items.some((i) => i.Put?.Item?.entity === 'application')).toBe(true);
    expect(record?.Item).toMatchObject({
      scope: write.scope,
      key: 'k1',
      requestHash: write.requestHash,
      response: { status: 200, body: { status: 'awaiting_payout' }, headers: {} },
    });
    expect(record?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('turns a key recorded meanwhile into an IdempotencyReplay of the stored response, without retrying', async () => {
    const first = { status: 200, body: { status: 'awaiting_payout', first: true }, headers: {} };
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
      input.Key.pk.startsWith('IDEMP#')
        ? {
            Item: {
              ...input.Key,
              scope: write.scope,
              key: 'k1',
              requestHash: write.requestHash,
              response: first,
            },
          }
        : { Item: stored },
    );
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'));
    const error = await repo()
      .update('A', approve, { idempotency: write })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyReplay);
    expect((error as IdempotencyReplay).record.response).toEqual(first);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('DynamoApplicationRepository: no item written by every court’s traffic', () => {
  it('moves only the high court’s and the executing court’s report rows with a payout (no campaign-total row), reading its markers in one request', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'APP#A', sk: 'APP' } }).resolves({ Item: stored });
    // The case marker exists, the person markers not yet (the markers are read in one request).
    ddb.on(BatchGetCommand).resolves({ Responses: { relief: [{ sk: 'MARK#CASE#c' }] } });
    ddb.on(TransactWriteCommand).resolves({});
    await repo().update('A', approve, {
      report: {
        campaignId: 'demo',
        highCourtCode: 'BJ',
        courtCode: 'BJ0105',
        add: { paid: 1, amountFen: 100 },
        paid: { category: 'support', amountFen: 100, caseKey: 'c', personKey: 'p' },
      },
    });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const reportKeys = items
      .map((i) => i.Update?.Key ?? i.Put?.Item ?? i.ConditionCheck?.Key)
      .filter((k) => String(k?.pk).startsWith('REPORT#'))
      .map((k) => String(k?.sk))
      .filter((sk) => !sk.startsWith('MARK#'));
    expect(reportKeys).toEqual(['HIGH#BJ', 'COURT#BJ#BJ0105']);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(
      ddb.commandCalls(GetCommand).filter((c) => String(c.args[0].input.Key?.sk).startsWith('MARK#')),
    ).toEqual([]);
    // the case marker exists (checked), the three person markers are new (put)
    const markers = items.filter((i) =>
      String((i.Put?.Item ?? i.ConditionCheck?.Key)?.sk).startsWith('MARK#'),
    );
    expect(markers.map((i) => (i.Put ? 'put' : 'check'))).toEqual(['check', 'put', 'put', 'put']);
  });
});

describe('DynamoApplicationRepository: the outbox is sharded', () => {
  it('puts outbox items on a shard of the in-flight index by application, never on one shared partition', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    const outbox = (applicationId: string) => ({
      kind: 'start-execution' as const,
      applicationId,
      submissionSeq: 1,
      createdAt: '2026-11-25T08:00:00.000Z',
    });
    const partitions = new Set<string>();
    for (const id of ['A', 'B', 'C', 'D', 'E', 'F']) {
      await repo().update('A', approve, { outbox: [outbox(id)] });
      const items = ddb.commandCalls(TransactWriteCommand).at(-1)?.args[0].input.TransactItems ?? [];
      const put = items.map((i) => i.Put?.Item).find((i) => i?.entity === 'outbox');
      expect(put?.gsi3pk).toBeUndefined();
      expect(put?.gsi4pk).toBe(`OUTBOX#${shardOf(id)}`);
      expect(put?.gsi4sk).toBe(`2026-11-25T08:00:00.000Z#${id}#start-execution#1`);
      partitions.add(String(put?.gsi4pk));
    }
    expect(partitions.size).toBeGreaterThan(1);
  });
});

describe('DynamoApplicationRepository: a request reads its application once', () => {
  it('builds a change on the read the request just made, without reading the item again', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    const r = repo();
    const seen = await withInvocationScope(async () => {
      const read = await r.get('A');
      await r.update('A', approve);
      return read;
    });
    expect(seen?.version).toBe(3);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    const put = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
    expect(put?.ExpressionAttributeValues).toEqual({ ':v': 3, ':s': 5 });
  });

  it('retries a lost change on the item its refusal carried back, without reading it', async () => {
    const moved = { ...stored, version: 4, auditSeq: 6 };
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [
            // DynamoDB returns the item of a failed condition typed (the document client leaves it so).
            { Code: 'ConditionalCheckFailed', Item: marshall(moved, { removeUndefinedValues: true }) },
            { Code: 'None' },
          ],
        }),
      )
      .resolves({});
    await withInvocationScope(() => repo().update('A', approve));
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    const second = ddb.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems?.[0]?.Put;
    expect(second?.ExpressionAttributeValues).toEqual({ ':v': 4, ':s': 6 });
  });

  it('reads again when the remembered read is older than a moment', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    const r = repo();
    await withInvocationScope(async () => {
      await r.get('A');
      const realNow = Date.now;
      Date.now = () => realNow() + 60_000;
      try {
        await r.update('A', approve);
      } finally {
        Date.now = realNow;
      }
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('never builds on what another invocation read: each request, task or event reads for itself', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    const r = repo();
    // An earlier request read the item; the item may have changed since without its version moving.
    await withInvocationScope(() => r.get('A'));
    await withInvocationScope(() => r.update('A', approve));
    // And outside any invocation nothing is remembered at all.
    await r.get('A');
    await r.update('A', approve);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(4);
  });
});
