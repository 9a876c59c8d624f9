import { beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyChain } from '../../functions/domain/audit-chain.ts';
import { signPayload } from '../../functions/lib/webhook-signature.ts';
import type { AuditEntry } from '../../functions/ports/applications.ts';
import { type ApiResponse, api, baseUrl, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * The contract: never a 500 for anything a client sent — not even when 30 clients send it at once.
 * Writers that keep losing the optimistic-concurrency race retry a bounded number of times with
 * jittered backoff and then answer 409 CONCURRENT_UPDATE (with Retry-After); money and trails hold.
 *
 * Fixtures nothing else touches: the quota of 青海高院 (QH) in the demo campaign, and a case of
 * 宁夏高院 (NX) itself (route NX only), whose account ends in 7777 so the local insurer reports a wrong
 * amount and the package stays open for the concurrent webhooks below.
 */

const CONCURRENCY = 30;
let spc: string;

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-contention');
});

function expectNoServerError(responses: ApiResponse[]) {
  for (const res of responses) expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
}

/** The quota's allocation trail as the API serves it (GET …/quotas/{hc}/audit), oldest first. */
async function quotaTrail(campaignId: string, code: string): Promise<AuditEntry[]> {
  const res = await api('GET', `/campaigns/${campaignId}/quotas/${code}/audit`, { token: spc });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as AuditEntry[];
}

describe('30 concurrent quota allocations (PUT /campaigns/demo/quotas/QH)', () => {
  it('answers each 200 or 409 CONCURRENT_UPDATE, and the quota and its trail stay consistent', async () => {
    const path = '/campaigns/demo/quotas/QH';
    const before = await api('GET', path, { token: spc });
    expect(before.status).toBe(200);
    const trailBefore = await quotaTrail('demo', 'QH');
    const amounts = Array.from({ length: CONCURRENCY }, (_, i) => 200_000_000 + i * 100);
    const responses = await Promise.all(
      amounts.map((allocatedFen) => api('PUT', path, { token: spc, body: { allocatedFen } })),
    );
    expectNoServerError(responses);
    for (const res of responses) {
      if (res.status === 200) continue;
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.code).toBe('CONCURRENT_UPDATE');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const ok = responses.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);

    // Every 200 wrote exactly one allocation entry, chained on the one before it; nothing else was written.
    const trail = await quotaTrail('demo', 'QH');
    const added = trail.slice(trailBefore.length);
    expect(added).toHaveLength(ok.length);
    expect(verifyChain(trail).valid).toBe(true);
    let previous = before.body.allocatedFen as number;
    for (const entry of added) {
      expect(entry.detail.fromAllocatedFen).toBe(previous);
      previous = entry.detail.toAllocatedFen as number;
    }
    expect(new Set(added.map((e) => e.detail.toAllocatedFen))).toEqual(
      new Set(ok.map((r) => r.body.allocatedFen)),
    );

    // The stored quota is the last allocation written, with its counters intact.
    const after = await api('GET', path, { token: spc });
    expect(after.body.allocatedFen).toBe(previous);
    expect(after.body.reservedFen).toBe(before.body.reservedFen);
    expect(after.body.disbursedFen).toBe(before.body.disbursedFen);
    expect(after.body.remainingFen).toBe(
      after.body.allocatedFen - after.body.reservedFen - after.body.disbursedFen,
    );
  });
});

describe('30 concurrent payout.succeeded webhooks with distinct event ids for one package', () => {
  let id: string;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    clerk = await token('NX', ['clerk'], 'clerk-contention');
    approver = await token('NX', ['approver'], 'approver-contention');
    const body = applicationBody({ courtPrefix: '宁' });
    body.bankAccount.accountNumber = '6222020200112237777';
    const created = await api('POST', '/applications', { token: clerk, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id;
    await uploadAllDocuments(id, clerk);
    const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '并发测试法官' } };
    expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
    const approved = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(approved.body.status).toBe('awaiting_payout');
    // The simulator's wrong amount is flagged; the package stays open.
    await eventually(async () => {
      const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
      return audit.body.some((e: { action: string }) => e.action === 'payout.flagged');
    }, 'the simulated wrong amount flagged');
  });

  async function webhook(event: Record<string, unknown>) {
    const raw = JSON.stringify(event);
    const res = await fetch(`${baseUrl()}/insurer/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'relief-signature': signPayload(raw, inject('webhookSecret'), Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  it('pays exactly once; every other answer is a 200 no-op, a 409 or a 422, never a 5xx', async () => {
    const quota = async () => (await api('GET', '/campaigns/demo/quotas/NX', { token: spc })).body;
    const before = await quota();
    const paidAt = new Date().toISOString();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        webhook({
          id: `evt-contention-${id}-${i}`,
          type: 'payout.succeeded',
          packageId: `PKG-${id}-1`,
          amountFen: 3_000_000,
          paidAt,
          transactionRef: `PICC-C-${i}`,
        }),
      ),
    );
    expectNoServerError(responses as ApiResponse[]);
    const paid = responses.filter((r) => r.status === 200 && r.body.status === 'paid');
    expect(paid).toHaveLength(1);
    for (const res of responses) {
      if (res === paid[0]) continue;
      expect([200, 409, 422], JSON.stringify(res.body)).toContain(res.status);
      if (res.status === 200) expect(res.body.duplicate).toBe(true);
      else expect(['PACKAGE_NOT_AWAITING_PAYOUT', 'CONCURRENT_UPDATE']).toContain(res.body.code);
    }

    const app = await api('GET', `/applications/${id}`, { token: clerk });
    expect(app.body.status).toBe('paid');
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toBe('valid');
    expect(audit.body.filter((e: { action: string }) => e.action === 'payout.succeeded')).toHaveLength(1);
    // The relief amount moved from reserved to disbursed once.
    const after = await quota();
    expect(after.disbursedFen - before.disbursedFen).toBe(3_000_000);
    expect(before.reservedFen - after.reservedFen).toBe(3_000_000);
  });
});
