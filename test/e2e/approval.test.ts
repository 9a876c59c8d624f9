import { beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

const form = {
  approvalForm: { reviewOpinion: '材料齐全，符合救助条件，同意报请审批。', reviewedBy: '李法官' },
};

interface Court {
  clerk: string;
  approver: string;
}

async function courtTokens(code: string): Promise<Court> {
  return {
    clerk: await token(code, ['clerk'], `clerk-${code}`),
    approver: await token(code, ['approver'], `approver-${code}`),
  };
}

async function readyApplication(clerk: string, prefix: string, reliefAmountFen = 3_000_000) {
  const body = applicationBody({ courtPrefix: prefix });
  body.reliefAmountFen = reliefAmountFen;
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status).toBe(201);
  await uploadAllDocuments(created.body.id, clerk);
  return created.body.id as string;
}

async function submit(id: string, clerk: string) {
  const res = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
  expect(res.status).toBe(202);
  return res;
}

async function decide(id: string, approver: string, decision: string, comment = '') {
  return api('POST', `/applications/${id}/decisions`, { token: approver, body: { decision, comment } });
}

let spc: string;
let haidian: Court;
let bj01: Court;
let bj: Court;

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-admin-approval');
  haidian = await courtTokens('BJ0108');
  bj01 = await courtTokens('BJ01');
  bj = await courtTokens('BJ');
});

describe('submission', () => {
  it('refuses submission until all six document types are uploaded, listing the missing ones', async () => {
    const created = await api('POST', '/applications', {
      token: haidian.clerk,
      body: applicationBody({ courtPrefix: '京0108' }),
    });
    const res = await api('POST', `/applications/${created.body.id}/submit`, {
      token: haidian.clerk,
      body: form,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MATERIALS_INCOMPLETE');
    expect(res.body.errors).toHaveLength(6);
    expect((await api('GET', `/applications/${created.body.id}`, { token: haidian.clerk })).body.status).toBe(
      'draft',
    );
  });

  it('refuses submission outside the handling window (campaign still in preparation)', async () => {
    const body = { ...applicationBody({ courtPrefix: '京0108' }), campaignId: 'demo-prep' };
    const created = await api('POST', '/applications', { token: haidian.clerk, body });
    expect(created.status).toBe(201);
    await uploadAllDocuments(created.body.id, haidian.clerk);
    const res = await api('POST', `/applications/${created.body.id}/submit`, {
      token: haidian.clerk,
      body: form,
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('OUTSIDE_HANDLING_WINDOW');
  });

  it('is idempotent: a retried submission answers the same and starts no second execution', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    const first = await submit(id, haidian.clerk);
    const again = await submit(id, haidian.clerk);
    expect(again.body).toEqual(first.body);
    const audit = await api('GET', `/applications/${id}/audit`, { token: haidian.clerk });
    expect(audit.body.filter((e: { action: string }) => e.action === 'application.submitted')).toHaveLength(
      1,
    );
  });
});

describe('level-by-level approval', () => {
  it('walks 海淀 → 北京一中院 → 北京高院 and reserves the quota at the high court', async () => {
    const before = (await api('GET', '/campaigns/demo/quotas/BJ', { token: bj.approver })).body;
    const id = await readyApplication(haidian.clerk, '京0108');
    const submitted = await submit(id, haidian.clerk);
    expect(submitted.body).toMatchObject({ status: 'pending_approval', pendingAt: 'BJ0108' });

    // Not yet your level: the high court's approver may see it but not decide it.
    const early = await decide(id, bj.approver, 'approve');
    expect(early.status).toBe(403);

    const l1 = await decide(id, haidian.approver, 'approve', '同意');
    expect(l1.status).toBe(200);
    expect(l1.body).toMatchObject({ status: 'pending_approval', pendingAt: 'BJ01' });
    const l2 = await decide(id, bj01.approver, 'approve');
    expect(l2.body).toMatchObject({ status: 'pending_approval', pendingAt: 'BJ' });
    const l3 = await decide(id, bj.approver, 'approve');
    expect(l3.status).toBe(200);
    expect(l3.body).toMatchObject({ status: 'awaiting_payout', pendingAt: null });

    const after = (await api('GET', '/campaigns/demo/quotas/BJ', { token: bj.approver })).body;
    expect(after.reservedFen - before.reservedFen).toBe(3_000_000);
    expect(after.remainingFen).toBe(after.allocatedFen - after.reservedFen - after.disbursedFen);

    const audit = await api('GET', `/applications/${id}/audit`, { token: haidian.clerk });
    expect(audit.headers.get('audit-chain')).toBe('valid');
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['application.submitted', 'decision.approve']),
    );
    expect(audit.body.filter((e: { action: string }) => e.action === 'decision.approve')).toHaveLength(3);
  });

  it('answers a double-click approve with 409 and changes nothing twice', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    const [a, b] = await Promise.all([
      decide(id, haidian.approver, 'approve'),
      decide(id, haidian.approver, 'approve'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const audit = await api('GET', `/applications/${id}/audit`, { token: haidian.clerk });
    expect(audit.body.filter((e: { action: string }) => e.action === 'decision.approve')).toHaveLength(1);
    expect((await api('GET', `/applications/${id}`, { token: haidian.clerk })).body.pendingAt).toBe('BJ01');
  });

  it('lets exactly one of two racing decisions (approve vs return) at the same level win', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    const second = await token('BJ0108', ['approver'], 'approver-BJ0108-b');
    const [a, r] = await Promise.all([
      decide(id, haidian.approver, 'approve'),
      decide(id, second, 'return', '补充材料'),
    ]);
    expect([a.status, r.status].sort()).toEqual([200, 409]);
    const app = await api('GET', `/applications/${id}`, { token: haidian.clerk });
    expect(app.body.status).toBe(a.status === 200 ? 'pending_approval' : 'returned');
    const audit = await api('GET', `/applications/${id}/audit`, { token: haidian.clerk });
    expect(audit.body.filter((e: { action: string }) => e.action.startsWith('decision.'))).toHaveLength(1);
  });

  it('lets no submitter approve their own submission', async () => {
    const both = await token('BJ0108', ['clerk', 'approver'], 'clerk-and-approver');
    const body = applicationBody({ courtPrefix: '京0108' });
    const created = await api('POST', '/applications', { token: both, body });
    await uploadAllDocuments(created.body.id, both);
    await submit(created.body.id, both);
    const res = await decide(created.body.id, both, 'approve');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SUBMITTER_CANNOT_DECIDE');
  });

  it('needs a comment to reject or return; a reject ends the chain without touching the quota', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    const bare = await decide(id, haidian.approver, 'reject');
    expect(bare.status).toBe(422);
    expect(bare.body.code).toBe('COMMENT_REQUIRED');
    const rejected = await decide(id, haidian.approver, 'reject', '申请执行人有其他收入来源，不符合困难条件');
    expect(rejected.body).toMatchObject({ status: 'rejected', pendingAt: null });
    expect((await decide(id, bj01.approver, 'approve')).status).toBe(409);
  });

  it('returns to the executing court; an edit makes it a draft and a resubmission starts the chain again', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    await decide(id, haidian.approver, 'approve');
    const returned = await decide(id, bj01.approver, 'return', '请补充低保证明');
    expect(returned.body).toMatchObject({ status: 'returned', pendingAt: null });
    const app = await api('GET', `/applications/${id}`, { token: haidian.clerk });
    const edited = await api('PATCH', `/applications/${id}`, {
      token: haidian.clerk,
      body: { hardship: { statement: '已补充低保证明。' } },
      headers: { 'if-match': app.headers.get('etag') as string },
    });
    expect(edited.body.status).toBe('draft');
    const again = await submit(id, haidian.clerk);
    expect(again.body).toMatchObject({ pendingAt: 'BJ0108', submissionSeq: 2 });
    expect((await decide(id, haidian.approver, 'approve')).body.pendingAt).toBe('BJ01');
  });

  it("hides the decision route from another province's approver (404)", async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    const shanghai = await token('SH', ['approver'], 'approver-sh');
    expect((await decide(id, shanghai, 'approve')).status).toBe(404);
  });
});

describe('quotas', () => {
  it('lets the SPC set quotas and refuses lowering below what is committed', async () => {
    const tj = await courtTokens('TJ');
    const hedong = await courtTokens('TJ0102');
    const tj02 = await courtTokens('TJ02');
    const set = await api('PUT', '/campaigns/demo/quotas/TJ', {
      token: spc,
      body: { allocatedFen: 3_000_000 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      allocatedFen: 3_000_000,
      remainingFen: 3_000_000 - set.body.reservedFen - set.body.disbursedFen,
    });
    expect(
      (await api('PUT', '/campaigns/demo/quotas/TJ', { token: tj.approver, body: { allocatedFen: 1 } }))
        .status,
    ).toBe(403);
    expect(
      (await api('PUT', '/campaigns/demo/quotas/TJ01', { token: spc, body: { allocatedFen: 1 } })).status,
    ).toBe(422);

    const first = await readyApplication(hedong.clerk, '津0102');
    const second = await readyApplication(hedong.clerk, '津0102');
    for (const id of [first, second]) {
      await submit(id, hedong.clerk);
      await decide(id, hedong.approver, 'approve');
      await decide(id, tj02.approver, 'approve');
    }
    expect((await decide(first, tj.approver, 'approve')).status).toBe(200);
    const refused = await decide(second, tj.approver, 'approve');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('QUOTA_EXCEEDED');
    const still = await api('GET', `/applications/${second}`, { token: hedong.clerk });
    expect(still.body).toMatchObject({ status: 'pending_approval', pendingAt: 'TJ' });

    const lower = await api('PUT', '/campaigns/demo/quotas/TJ', {
      token: spc,
      body: { allocatedFen: 1_000_000 },
    });
    expect(lower.status).toBe(409);
    expect(lower.body.code).toBe('QUOTA_BELOW_COMMITTED');
    // Raising it lets the waiting approval through.
    await api('PUT', '/campaigns/demo/quotas/TJ', { token: spc, body: { allocatedFen: 6_000_000 } });
    expect((await decide(second, tj.approver, 'approve')).status).toBe(200);
    const quota = (await api('GET', '/campaigns/demo/quotas/TJ', { token: tj.clerk })).body;
    // The first case may already be paid (the simulator pays as soon as the package is dispatched), which
    // moves its amount from reserved to disbursed; committed is what must equal the allocation.
    expect(quota).toMatchObject({ allocatedFen: 6_000_000, remainingFen: 0 });
    expect(quota.reservedFen + quota.disbursedFen).toBe(6_000_000);
    // A high court reads only its own quota; lower courts none.
    expect((await api('GET', '/campaigns/demo/quotas/BJ', { token: tj.clerk })).status).toBe(404);
    expect((await api('GET', '/campaigns/demo/quotas', { token: tj.approver })).body.items).toHaveLength(1);
    expect((await api('GET', '/campaigns/demo/quotas', { token: spc })).body.items).toHaveLength(32);
    expect((await api('GET', '/campaigns/demo/quotas', { token: hedong.clerk })).status).toBe(403);
  });

  it('never overspends under many concurrent high-court approvals: exactly what the quota allows succeed', async () => {
    const he = await courtTokens('HE');
    const basic = await courtTokens('HE0102');
    const mid = await courtTokens('HE01');
    const relief = 1_000_000;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await readyApplication(basic.clerk, '冀0102', relief));
    for (const id of ids) {
      await submit(id, basic.clerk);
      await decide(id, basic.approver, 'approve');
      await decide(id, mid.approver, 'approve');
    }
    const current = (await api('GET', '/campaigns/demo/quotas/HE', { token: spc })).body;
    const allowed = 4;
    await api('PUT', '/campaigns/demo/quotas/HE', {
      token: spc,
      body: { allocatedFen: current.reservedFen + current.disbursedFen + allowed * relief },
    });
    const results = await Promise.all(ids.map((id) => decide(id, he.approver, 'approve')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(allowed);
    expect(statuses.filter((s) => s === 409)).toHaveLength(ids.length - allowed);
    const after = (await api('GET', '/campaigns/demo/quotas/HE', { token: spc })).body;
    expect(after.reservedFen + after.disbursedFen).toBeLessThanOrEqual(after.allocatedFen);
    expect(after.remainingFen).toBe(0);
  });
});

describe('the workflow', () => {
  it('is told every decision: the execution ends when the chain does', async () => {
    const id = await readyApplication(haidian.clerk, '京0108');
    await submit(id, haidian.clerk);
    await decide(id, haidian.approver, 'reject', '不符合条件');
    await eventually(async () => {
      const res = await api('GET', `/dev/executions/${id}-s1`);
      return res.status === 200 && res.body.status === 'SUCCEEDED';
    }, 'execution to succeed');
  });
});
