import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signPayload } from '../../functions/lib/webhook-signature.ts';
import { api, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** The insurer's signed requests: GET /insurer/packages/{packageId} and POST …/redelivery (docs/insurer.md). */

const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '保险查询测试法官' } };
let packageId: string;
let applicationId: string;

const signed = (method: string, path: string, t = Math.floor(Date.now() / 1000), secret?: string) =>
  api(method, path, {
    headers: { 'relief-signature': signPayload(`${method} ${path}`, secret ?? inject('webhookSecret'), t) },
  });

beforeAll(async () => {
  const clerk = await token('GZ', ['clerk'], 'clerk-insurer-query');
  const approver = await token('GZ', ['approver'], 'approver-insurer-query');
  const body = applicationBody({ courtPrefix: '黔' });
  body.reliefAmountFen = 110_000;
  const created = await api('POST', '/applications', { token: clerk, body });
  applicationId = created.body.id;
  await uploadAllDocuments(applicationId, clerk);
  expect(
    (await api('POST', `/applications/${applicationId}/submit`, { token: clerk, body: form })).status,
  ).toBe(202);
  const decided = await api('POST', `/applications/${applicationId}/decisions`, {
    token: approver,
    body: { decision: 'approve', comment: '同意' },
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  packageId = `PKG-${applicationId}-1`;
  await eventually(
    async () => (await api('GET', `/applications/${applicationId}`, { token: clerk })).body.status === 'paid',
    'paid by the local insurer',
  );
});

describe('insurer package query', () => {
  it('answers a signed query with the package’s status, amount and transactionRef', async () => {
    const res = await signed('GET', `/insurer/packages/${packageId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      packageId,
      approved: true,
      dispatched: true,
      paid: true,
      declined: false,
      amountFen: 110_000,
    });
    expect(typeof res.body.transactionRef).toBe('string');
  });

  it('refuses 401 without a signature, with another path signed, a wrong secret, or a timestamp 305 s off', async () => {
    const path = `/insurer/packages/${packageId}`;
    // Each timestamp is taken just before its request: on a loaded machine the requests before it can
    // take seconds, which moved a fixed "now + 301" inside the 300 s window (seen in a full run).
    const at = (offsetSeconds: number) => Math.floor(Date.now() / 1000) + offsetSeconds;
    const now = at(0);
    const cases = [
      await api('GET', path),
      await api('GET', path, {
        headers: {
          'relief-signature': signPayload(`GET /insurer/packages/PKG-OTHER-1`, inject('webhookSecret'), now),
        },
      }),
      await signed('GET', path, now, 'another-secret-of-enough-bytes'),
      await signed('GET', path, at(-305)),
      await signed('GET', path, at(305)),
    ];
    for (const res of cases) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_SIGNATURE');
    }
    expect((await signed('GET', path, at(-290))).status).toBe(200);
  });

  it('unknown package 404; redelivery of a paid package 409 PACKAGE_NOT_AWAITING_PAYOUT, unsigned 401', async () => {
    expect((await signed('GET', `/insurer/packages/PKG-${'0'.repeat(26)}-1`)).status).toBe(404);
    const redelivery = await signed('POST', `/insurer/packages/${packageId}/redelivery`);
    expect([redelivery.status, redelivery.body.code]).toEqual([409, 'PACKAGE_NOT_AWAITING_PAYOUT']);
    expect((await api('POST', `/insurer/packages/${packageId}/redelivery`)).status).toBe(401);
  });
});
