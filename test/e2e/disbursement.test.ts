import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signPayload } from '../../functions/lib/webhook-signature.ts';
import { api, baseUrl, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';
import { noticeClosingReason, noticeRulingParagraph } from '../support/seed.ts';

const form = { approvalForm: { reviewOpinion: '符合救助条件', reviewedBy: '王法官' } };
let clerk: string;
let approverBasic: string;
let approverHigh: string;
let spc: string;

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-pay');
  approverBasic = await token('BJ0105', ['approver'], 'approver-pay-basic');
  approverHigh = await token('BJ', ['approver'], 'approver-pay-high');
  spc = await token('SPC', ['spc-admin'], 'spc-pay');
});

/** Intake → submit → approve at 朝阳 and 北京高院; returns the id once the insurer's answer settled it. */
async function approvedApplication(accountNumber = '6222020200112233445', body = applicationBody()) {
  body.bankAccount.accountNumber = accountNumber;
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
  expect(
    (
      await api('POST', `/applications/${id}/decisions`, {
        token: approverBasic,
        body: { decision: 'approve' },
      })
    ).status,
  ).toBe(200);
  const last = await api('POST', `/applications/${id}/decisions`, {
    token: approverHigh,
    body: { decision: 'approve' },
  });
  expect(last.body.status).toBe('awaiting_payout');
  return id;
}

async function statusOf(id: string) {
  return (await api('GET', `/applications/${id}`, { token: clerk })).body.status as string;
}

async function quota() {
  return (await api('GET', '/campaigns/demo/quotas/BJ', { token: spc })).body;
}

async function actions(id: string): Promise<string[]> {
  return (await api('GET', `/applications/${id}/audit`, { token: clerk })).body.map(
    (e: { action: string }) => e.action,
  );
}

async function webhook(
  event: Record<string, unknown>,
  opts: { secret?: string; t?: number; header?: string } = {},
) {
  const raw = JSON.stringify(event);
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  const header = opts.header ?? signPayload(raw, opts.secret ?? inject('webhookSecret'), t);
  const res = await fetch(`${baseUrl()}/insurer/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'relief-signature': header },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('disbursement', () => {
  it('pays an approved application through the insurer, commits the quota, and closes it with the mandated ruling', async () => {
    const before = await quota();
    const id = await approvedApplication();
    await eventually(async () => (await statusOf(id)) === 'paid', 'paid');
    const after = await quota();
    expect(after.disbursedFen - before.disbursedFen).toBe(3_000_000);
    expect(after.reservedFen + after.disbursedFen).toBeLessThanOrEqual(after.allocatedFen);
    expect(await actions(id)).toEqual(expect.arrayContaining(['package.dispatched', 'payout.succeeded']));
    await eventually(
      async () => (await api('GET', `/dev/executions/${id}-s1`)).body.status === 'SUCCEEDED',
      'execution end',
    );

    const ruling = await api('GET', `/applications/${id}/ruling`, { token: clerk });
    expect(ruling.status).toBe(200);
    expect(ruling.body.text).toContain(noticeRulingParagraph());
    expect(ruling.body.closingReason).toBe(noticeClosingReason());
    expect(ruling.body.text).toContain('30,000.00');
    const docx = await fetch(`${baseUrl()}/applications/${id}/ruling`, {
      headers: {
        authorization: `Bearer ${clerk}`,
        accept: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      },
    });
    expect(docx.status).toBe(200);
    expect(
      Buffer.from(await docx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    const closed = await api('POST', `/applications/${id}/closure`, {
      token: clerk,
      body: { rulingNumber: '(2024)京0105执恢1号', issuedAt: new Date().toISOString() },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closingReason: noticeClosingReason(),
      restrictionsLifted: false,
    });
    const list = await api('GET', '/applications?status=closed&limit=200', { token: clerk });
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(id);

    const tooMuch = await api('POST', `/applications/${id}/resumptions`, {
      token: clerk,
      body: { reason: 'assets-found', basis: '发现被执行人名下车辆', amountFen: 3_000_001 },
    });
    expect(tooMuch.status).toBe(422);
    const resumed = await api('POST', `/applications/${id}/resumptions`, {
      token: clerk,
      body: { reason: 'assets-found', basis: '发现被执行人名下车辆', amountFen: 3_000_000 },
    });
    expect(resumed.body.status).toBe('resumed');
    const r1 = await api('POST', `/applications/${id}/recoveries`, {
      token: clerk,
      body: { amountFen: 2_000_000, receivedAt: '2026-11-25', reference: 'R-1' },
    });
    expect(r1.status).toBe(201);
    expect(r1.body).toEqual({ recoveredFen: 2_000_000, remainingFen: 1_000_000 });
    const over = await api('POST', `/applications/${id}/recoveries`, {
      token: clerk,
      body: { amountFen: 1_000_001, receivedAt: '2026-11-25', reference: 'R-2' },
    });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('RECOVERY_OVER_RELIEF');
    expect(await actions(id)).toEqual(
      expect.arrayContaining(['application.closed', 'enforcement.resumed', 'recovery.recorded']),
    );
    expect((await api('GET', `/applications/${id}/audit`, { token: clerk })).headers.get('audit-chain')).toBe(
      'valid',
    );
  });

  it('releases the reservation when the insurer declines, and frees the case for a new application', async () => {
    const before = await quota();
    const body = applicationBody();
    const id = await approvedApplication('6222020200112230000', structuredClone(body));
    await eventually(async () => (await statusOf(id)) === 'declined', 'declined');
    const after = await quota();
    expect(after.reservedFen).toBe(before.reservedFen);
    expect(after.disbursedFen).toBe(before.disbursedFen);
    expect((await api('GET', `/applications/${id}/ruling`, { token: clerk })).status).toBe(409);
    const again = await api('POST', '/applications', { token: clerk, body });
    expect(again.status).toBe(201);
  });
});

describe('insurer webhook attacks', () => {
  let flagged: string;
  let packageId: string;

  beforeAll(async () => {
    // Account ending 7777: the simulator reports a wrong amount, so the payout stays open and flagged.
    flagged = await approvedApplication('6222020200112237777');
    await eventually(
      async () => (await actions(flagged)).includes('payout.flagged'),
      'amount mismatch flagged',
    );
    packageId = `PKG-${flagged}-1`;
  });

  it('flags a wrong amount and pays nothing', async () => {
    expect(await statusOf(flagged)).toBe('awaiting_payout');
    const res = await webhook({
      id: `evt-amount-${flagged}`,
      type: 'payout.succeeded',
      packageId,
      amountFen: 1,
      paidAt: new Date().toISOString(),
      transactionRef: 'T1',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('AMOUNT_MISMATCH');
    expect(await statusOf(flagged)).toBe('awaiting_payout');
  });

  it.each([
    ['no signature', { header: '' }],
    ['a forged signature', { secret: 'not-the-insurer-secret-at-all' }],
    ['a stale timestamp', { t: Math.floor(Date.now() / 1000) - 400 }],
    ['a timestamp from the future', { t: Math.floor(Date.now() / 1000) + 400 }],
    ['a malformed header', { header: 't=abc,v1=zz' }],
  ])('refuses %s with 401 and changes nothing', async (_what, opts) => {
    const before = await actions(flagged);
    const res = await webhook(
      {
        id: `evt-forged-${Math.random()}`,
        type: 'payout.succeeded',
        packageId,
        amountFen: 3_000_000,
        paidAt: new Date().toISOString(),
        transactionRef: 'X',
      },
      opts,
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_SIGNATURE');
    expect(await statusOf(flagged)).toBe('awaiting_payout');
    expect(await actions(flagged)).toEqual(before);
  });

  it('404s an unknown package', async () => {
    const res = await webhook({
      id: 'evt-unknown',
      type: 'payout.succeeded',
      packageId: 'PKG-01ARZ3NDEKTSV4RRFFQ69G5FAV-1',
      amountFen: 1,
      paidAt: new Date().toISOString(),
      transactionRef: 'X',
    });
    expect(res.status).toBe(404);
  });

  it('pays once on a correct event; a replay and a late contradicting event change nothing', async () => {
    const before = await quota();
    const event = {
      id: `evt-pay-${flagged}`,
      type: 'payout.succeeded',
      packageId,
      amountFen: 3_000_000,
      paidAt: new Date().toISOString(),
      transactionRef: 'PICC-OK',
    };
    expect((await webhook(event)).status).toBe(200);
    expect(await statusOf(flagged)).toBe('paid');
    const mid = await quota();
    expect(mid.disbursedFen - before.disbursedFen).toBe(3_000_000);
    const replay = await webhook(event);
    expect(replay.status).toBe(200);
    expect(replay.body.duplicate).toBe(true);
    const late = await webhook({
      id: `evt-late-${flagged}`,
      type: 'payout.declined',
      packageId,
      reason: 'late',
    });
    expect(late.status).toBe(409);
    expect(await statusOf(flagged)).toBe('paid');
    expect(await quota()).toEqual(mid);
    const trail = await actions(flagged);
    expect(trail.filter((a) => a === 'payout.succeeded')).toHaveLength(1);
    expect(trail.filter((a) => a === 'payout.flagged').length).toBeGreaterThanOrEqual(3);
  });
});
