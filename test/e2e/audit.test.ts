import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, token } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** The trail cannot be silently edited: tamper with the stored entries directly and watch the verifier notice. */
let clerk: string;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-audit');
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    }),
  );
});

async function applicationWithTwoEntries() {
  const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
  const id = created.body.id as string;
  await api('PATCH', `/applications/${id}`, {
    token: clerk,
    body: { hardship: { statement: '补充说明。' } },
    headers: { 'if-match': '"v1"' },
  });
  const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
  expect(audit.body).toHaveLength(2);
  expect(audit.headers.get('audit-chain')).toBe('valid');
  return id;
}

describe('audit trail verification', () => {
  it('detects an edited entry', async () => {
    const id = await applicationWithTwoEntries();
    await doc.send(
      new UpdateCommand({
        TableName: 'relief',
        Key: { pk: `APP#${id}`, sk: 'AUDIT#0000000001' },
        UpdateExpression: 'SET actor.#s = :s',
        ExpressionAttributeNames: { '#s': 'sub' },
        ExpressionAttributeValues: { ':s': 'someone-else' },
      }),
    );
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toBe('broken; seq=1; reason=HASH_MISMATCH');
  });

  it('detects a deleted newest entry against the head kept on the application', async () => {
    const id = await applicationWithTwoEntries();
    await doc.send(
      new DeleteCommand({ TableName: 'relief', Key: { pk: `APP#${id}`, sk: 'AUDIT#0000000002' } }),
    );
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toBe('broken; seq=2; reason=SEQ_GAP');
  });

  it('detects a deleted first entry', async () => {
    const id = await applicationWithTwoEntries();
    await doc.send(
      new DeleteCommand({ TableName: 'relief', Key: { pk: `APP#${id}`, sk: 'AUDIT#0000000001' } }),
    );
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toMatch(/^broken; seq=1; reason=/);
  });
});
