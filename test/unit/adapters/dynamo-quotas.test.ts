import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { toProblem } from '../../../functions/lib/http.ts';

/** The quota allocation's retry loop when every attempt loses the race (not reproducible on demand locally). */
const ddb = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  ddb.reset();
});

const ledger = () =>
  new DynamoQuotaLedger(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    'relief',
    () => new Date('2026-11-25T08:00:00Z'),
  );

const quota = {
  pk: 'QUOTA#demo',
  sk: 'QH',
  campaignId: 'demo',
  highCourtCode: 'QH',
  allocatedFen: 100,
  reservedFen: 10,
  disbursedFen: 0,
  availableFen: 90,
  version: 4,
  updatedAt: '2026-11-25T00:00:00.000Z',
  auditSeq: 2,
  auditHead: 'a'.repeat(64),
};

const audit = {
  actor: { sub: 'spc', court: 'SPC', roles: ['spc-admin' as const] },
  action: 'quota.allocated',
  fromStatus: null,
  toStatus: null,
  detail: {},
};

describe('DynamoQuotaLedger.allocate under contention', () => {
  it('retries a lost race with a fresh read and writes once', async () => {
    ddb.on(GetCommand).resolves({ Item: quota });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const result = await ledger().allocate('demo', 'QH', 200, audit);
    expect(result).toMatchObject({ allocatedFen: 200, availableFen: 190, version: 5, auditSeq: 3 });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('gives up after bounded attempts with 409 CONCURRENT_UPDATE and Retry-After, never a 500', async () => {
    ddb.on(GetCommand).resolves({ Item: quota });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    const error = await ledger()
      .allocate('demo', 'QH', 200, audit)
      .catch((e: unknown) => e);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(10);
    const problem = toProblem(error, 'r');
    expect(problem.statusCode).toBe(409);
    expect(JSON.parse(problem.body as string).code).toBe('CONCURRENT_UPDATE');
    expect(problem.headers?.['retry-after']).toBe('1');
  });
});
