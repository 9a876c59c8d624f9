import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * POST /decision-batches: each item decided as a single decision would be, the quota invariant held
 * when a batch and single decisions on the same cases run at once, and bad batches refused whole.
 *
 * Fixtures nothing else touches: cases of 云南高院 (YN) itself (route YN only: one approval) and YN's
 * quota in the demo campaign, set so that exactly QUOTA_FOR cases fit.
 */

const RELIEF = 100_000;
const QUOTA_FOR = 5;
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '批量测试法官' } };

let clerk: string;
let approver: string;
let otherApprover: string;
let spc: string;

beforeAll(async () => {
  clerk = await token('YN', ['clerk'], 'clerk-batch');
  approver = await token('YN', ['approver'], 'approver-batch');
  otherApprover = await token('YN', ['approver'], 'approver-batch-single');
  spc = await token('SPC', ['spc-admin'], 'spc-batch');
});

async function pending(): Promise<string> {
  const body = { ...applicationBody({ courtPrefix: '云' }), reliefAmountFen: RELIEF };
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  return id;
}

const quotaPath = '/campaigns/demo/quotas/YN';
const quota = async () => (await api('GET', quotaPath, { token: spc })).body;

/** Leaves exactly `n` cases' worth of quota at YN. */
async function leaveRoomFor(n: number) {
  const q = await quota();
  const allocatedFen = q.allocatedFen - q.remainingFen + n * RELIEF;
  const res = await api('PUT', quotaPath, { token: spc, body: { allocatedFen } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function ynDecisions(id: string): Promise<number> {
  const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
  expect(audit.status).toBe(200);
  return audit.body.filter((e: { action: string }) => e.action.startsWith('decision.')).length;
}

const item = (applicationId: string) => ({ applicationId, decision: 'approve', comment: '同意' });

describe('POST /decision-batches', () => {
  it('holds the quota invariant when a batch and single decisions on the same cases run at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await pending());
    await leaveRoomFor(QUOTA_FOR);
    const batchIds = ids.slice(0, 7);
    // The single decisions race the batch: one on a case in the batch, one on a case outside it.
    const [batch, ...singles] = await Promise.all([
      api('POST', '/decision-batches', { token: approver, body: { items: batchIds.map(item) } }),
      api('POST', `/applications/${ids[6]}/decisions`, {
        token: otherApprover,
        body: { decision: 'approve', comment: '同意' },
      }),
      api('POST', `/applications/${ids[7]}/decisions`, {
        token: otherApprover,
        body: { decision: 'approve', comment: '同意' },
      }),
    ]);
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    const results = batch.body.results as { applicationId: string; status: string; code?: string }[];
    expect(results.map((r) => r.applicationId)).toEqual(batchIds);
    for (const r of results) {
      if (r.code) expect(['QUOTA_EXCEEDED', 'DECISION_ALREADY_RECORDED']).toContain(r.code);
    }
    for (const res of singles as ApiResponse[]) {
      expect(res.status, JSON.stringify(res.body)).not.toBeGreaterThanOrEqual(500);
      if (res.status !== 200)
        expect(['QUOTA_EXCEEDED', 'DECISION_ALREADY_RECORDED']).toContain(res.body.code);
    }
    const approved =
      results.filter((r) => !r.code).length +
      (singles as ApiResponse[]).filter((r) => r.status === 200).length;
    // Eight candidates, room for five: exactly five approved, never more, and the quota is used up.
    expect(approved).toBe(QUOTA_FOR);
    expect((await quota()).remainingFen).toBe(0);
    // Each case was decided at most once, whoever won the race on it.
    for (const id of ids) expect(await ynDecisions(id)).toBeLessThanOrEqual(1);
    const decided = await Promise.all(ids.map(ynDecisions));
    expect(decided.reduce((a, b) => a + b, 0)).toBe(QUOTA_FOR);
    // A refused item still waits at YN, as the result says.
    const refused = results.find((r) => r.code === 'QUOTA_EXCEEDED');
    expect(refused).toMatchObject({ status: 'pending_approval', pendingAt: 'YN' });
  });

  it('answers per item: an unknown id is NOT_FOUND, a repeated one DUPLICATE_IN_BATCH', async () => {
    const id = await pending();
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const res = await api('POST', '/decision-batches', {
      token: approver,
      body: {
        items: [
          { applicationId: id, decision: 'reject', comment: '不符合条件' },
          { applicationId: unknown, decision: 'reject', comment: '不符合条件' },
          { applicationId: id, decision: 'return', comment: '补充材料' },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r: { code?: string; status: string }) => r.code ?? r.status)).toEqual([
      'rejected',
      'NOT_FOUND',
      'DUPLICATE_IN_BATCH',
    ]);
    expect(await ynDecisions(id)).toBe(1);
  });

  it('refuses an empty batch and one of 201 items with 400, deciding nothing', async () => {
    const id = await pending();
    for (const items of [[], Array.from({ length: 201 }, () => item(id))]) {
      const res = await api('POST', '/decision-batches', { token: approver, body: { items } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await ynDecisions(id)).toBe(0);
  });

  it('refuses a clerk as a whole (403 ROLE_FORBIDDEN)', async () => {
    const id = await pending();
    const res = await api('POST', '/decision-batches', { token: clerk, body: { items: [item(id)] } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_FORBIDDEN');
    expect(await ynDecisions(id)).toBe(0);
  });
});
