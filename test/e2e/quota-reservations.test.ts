import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, token } from '../support/api.ts';

/**
 * The repair sweep of quota reservations over HTTP (issue 13 item 2): a reservation entry left on a
 * quota row by a decision that died before its transaction (written here straight into DynamoDB Local,
 * as the reservation's conditional update writes it, dated before the stale age) is released by the
 * local runner's reconcile run; `GET /campaigns/{id}/quotas/{hc}/audit` shows the release, chain-verified,
 * and the quota's figures are back. In a campaign of its own, so no other suite's figures move.
 */
const run = Date.now().toString(36);
const campaignId = `rsv-${run}`;
const AMOUNT = 3_000_000;
let spc: string;
let doc: DynamoDBDocumentClient;

function day(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-reservations');
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    }),
  );
  const created = await api('POST', '/campaigns', {
    token: spc,
    headers: { 'idempotency-key': `rsv-create-${run}` },
    body: {
      id: campaignId,
      name: `额度预留测试 ${run}`,
      preparation: { start: day(-20), end: day(-11) },
      handling: { start: day(-10), end: day(40) },
      reportDue: day(52),
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await api('PUT', `/campaigns/${campaignId}/quotas/GZ`, {
    token: spc,
    headers: { 'idempotency-key': `rsv-quota-${run}` },
    body: { allocatedFen: 10_000_000 },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});

describe('stale quota reservations (reconcile sweep)', () => {
  it('releases an entry no application records, audited on the quota’s chain', async () => {
    const key = `NOAPP${run.toUpperCase()}#v3`;
    const reservedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    // What a final approval's reservation writes (adapters/dynamodb/quota-reservations.ts reserveEntry).
    await doc.send(
      new UpdateCommand({
        TableName: 'relief',
        Key: { pk: `QUOTA#${campaignId}`, sk: 'GZ' },
        UpdateExpression:
          'SET availableFen = availableFen - :a, reservedFen = reservedFen + :a, version = version + :one, #e = :entry',
        ConditionExpression: 'attribute_not_exists(#e) AND availableFen >= :a',
        ExpressionAttributeNames: { '#e': `rsv#${key}` },
        ExpressionAttributeValues: {
          ':a': AMOUNT,
          ':one': 1,
          ':entry': {
            applicationId: `NOAPP${run.toUpperCase()}`,
            version: 3,
            amountFen: AMOUNT,
            at: reservedAt,
          },
        },
      }),
    );
    const audit = await eventually(async () => {
      const res = await api('GET', `/campaigns/${campaignId}/quotas/GZ/audit`, { token: spc });
      const entries = res.body as { action: string }[];
      return entries.some((e) => e.action === 'quota.reservation.released') && res;
    }, 'the sweep to release the entry');
    expect(audit.headers.get('audit-chain')).toBe('valid');
    expect((audit.body as { action: string }[]).at(-1)).toMatchObject({
      action: 'quota.reservation.released',
      actor: { sub: 'system:reservation-sweep' },
      detail: { reservationKey: key, amountFen: AMOUNT, reservedAt, fenced: false },
    });
    const quota = await api('GET', `/campaigns/${campaignId}/quotas/GZ`, { token: spc });
    expect(quota.body).toMatchObject({ allocatedFen: 10_000_000, reservedFen: 0, remainingFen: 10_000_000 });
    const row = await doc.send(
      new GetCommand({
        TableName: 'relief',
        Key: { pk: `QUOTA#${campaignId}`, sk: 'GZ' },
        ConsistentRead: true,
      }),
    );
    expect(Object.keys(row.Item ?? {}).filter((k) => k.startsWith('rsv#'))).toEqual([]);
  });
});
