import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody, residentId } from '../support/applications.ts';

/**
 * Issue 15 item 4 over HTTP: an overdue asset check escalates once to the executing court and its high
 * court, and the monitoring list says when. At 浙江省杭州市上城区人民法院 (ZJ0102 → ZJ01 → ZJ).
 *
 * The shared e2e stack runs on the real clock and a case closed today is first due in six months, so
 * the test moves the closed case's due date to yesterday directly in DynamoDB (the schedule row and
 * its due-index key, as a closure six months ago would have written them), then asks the runner to
 * run the sweep (POST /dev/sweeps/escalate-overdue-checks, local only), twice. The clock-driven
 * rules themselves are tested in test/usecases/overdue-checks.test.ts.
 */
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '逾期测试法官' } };
const DEBTOR = {
  name: '孙八',
  kind: 'natural',
  idType: 'resident-id',
  idNumber: residentId('330102', '19700303', '135'),
};
let doc: DynamoDBDocumentClient;
let clerk: string;
let highClerk: string;
let approvers: string[];

beforeAll(async () => {
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    }),
  );
  clerk = await token('ZJ0102', ['clerk'], 'clerk-overdue');
  highClerk = await token('ZJ', ['clerk'], 'clerk-overdue-high');
  approvers = [
    await token('ZJ0102', ['approver'], 'approver-overdue-basic'),
    await token('ZJ01', ['approver'], 'approver-overdue-mid'),
    await token('ZJ', ['approver'], 'approver-overdue-high'),
  ];
});

async function closedApplication(): Promise<string> {
  const body = { ...applicationBody({ courtPrefix: '浙0102' }), debtors: [DEBTOR] };
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
  for (const approver of approvers) {
    const decided = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  }
  await eventually(
    async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === 'paid',
    'paid by the local insurer',
    200,
  );
  const closed = await api('POST', `/applications/${id}/closure`, {
    token: clerk,
    body: { rulingNumber: '(2026)浙0102执恢7号', issuedAt: new Date().toISOString() },
  });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  return id;
}

const beijingDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

const runSweep = async () => {
  const res = await api('POST', '/dev/sweeps/escalate-overdue-checks');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { examined: number; escalated: number; passComplete: boolean };
};

const overdueEntries = async (id: string) =>
  (await api('GET', `/applications/${id}/audit`, { token: clerk })).body.filter(
    (e: { action: string }) => e.action === 'asset-check.overdue',
  );

describe('overdue asset checks (local runner)', () => {
  it('escalates an overdue check once, audited with both courts and the due date; the due list and the case show escalatedAt', async () => {
    const id = await closedApplication();
    // Not overdue yet: the sweep leaves it alone.
    await runSweep();
    expect(await overdueEntries(id)).toEqual([]);

    const due = beijingDay(-1);
    await doc.send(
      new UpdateCommand({
        TableName: 'relief',
        Key: { pk: `APP#${id}`, sk: 'APP' },
        UpdateExpression: 'SET monitoring.nextDue = :d, duesk = :sk',
        ExpressionAttributeValues: { ':d': due, ':sk': `${due}#ZJ0102#${id}` },
      }),
    );
    const first = await runSweep();
    expect(first.passComplete).toBe(true);
    const entries = await overdueEntries(id);
    expect(entries).toHaveLength(1);
    expect(entries[0].detail).toMatchObject({
      due,
      executingCourt: { code: 'ZJ0102', name: '浙江省杭州市上城区人民法院' },
      highCourt: { code: 'ZJ', name: '浙江省高级人民法院' },
      escalatedTo: ['ZJ0102', 'ZJ'],
    });

    // Running again (and the runner's own periodic run) escalates nothing new.
    await runSweep();
    expect(await overdueEntries(id)).toHaveLength(1);

    const list = await api('GET', '/monitoring/due?limit=200', { token: highClerk });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ overdue: true, nextAssetCheckDue: due });
    // Recorded by the run that wrote the audit entry (the same write, a few milliseconds apart).
    const near = (iso: string) => Math.abs(Date.parse(iso) - Date.parse(entries[0].at)) < 5_000;
    expect(near(item.escalatedAt), item.escalatedAt).toBe(true);
    const app = await api('GET', `/applications/${id}`, { token: clerk });
    expect(app.body.assetCheckEscalatedAt).toBe(item.escalatedAt);
  });
});
