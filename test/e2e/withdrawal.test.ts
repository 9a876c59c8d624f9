import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * Withdrawal (撤回, Integrity defect 9): a draft made in the wrong campaign used to block its case and
 * applicant everywhere. `POST /applications/{id}/withdrawal { reason }` by the executing court's clerk
 * turns a draft or returned application into `withdrawn`, audited with the reason, and releases the
 * system-wide duplicate lock. Runs at 广州市越秀区人民法院 (GD0104 → GD01 → GD), which no other suite uses,
 * so the report figures of 广东高院 move only by what happens here.
 */

const PREFIX = '粤0104';
const form = { approvalForm: { reviewOpinion: '材料齐全，同意报请审批', reviewedBy: '撤回测试法官' } };
const REASON = '误选救助活动（应在 demo 活动中申请），撤回后重新申请';
let clerk: string;
let approver: string;
let otherClerk: string;
let spc: string;

beforeAll(async () => {
  clerk = await token('GD0104', ['clerk'], 'clerk-withdrawal');
  approver = await token('GD0104', ['approver'], 'approver-withdrawal');
  otherClerk = await token('GD01', ['clerk'], 'clerk-withdrawal-gd01');
  spc = await token('SPC', ['spc-admin'], 'spc-withdrawal');
});

function body(campaignId = 'demo') {
  return { ...applicationBody({ courtPrefix: PREFIX }), campaignId };
}

async function create(b = body()): Promise<string> {
  const res = await api('POST', '/applications', { token: clerk, body: b });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const NO_REASON = Symbol('no reason');

function withdraw(id: string, reason: unknown = REASON, opts: { tok?: string; key?: string } = {}) {
  return api('POST', `/applications/${id}/withdrawal`, {
    token: opts.tok ?? clerk,
    body: reason === NO_REASON ? {} : { reason },
    ...(opts.key ? { headers: { 'idempotency-key': opts.key } } : {}),
  });
}

/** What any write would change: status, version and the length of the trail. */
async function footprint(id: string) {
  const [app, audit] = await Promise.all([
    api('GET', `/applications/${id}`, { token: clerk }),
    api('GET', `/applications/${id}/audit`, { token: clerk }),
  ]);
  return { status: app.body.status, version: app.body.version, audit: audit.body.length };
}

async function gdRow() {
  const res = await api('GET', '/campaigns/demo/reports', { token: spc });
  expect(res.status).toBe(200);
  return res.body.byHighCourt.find((r: { highCourtCode: string }) => r.highCourtCode === 'GD');
}

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
}

describe('withdrawal', () => {
  it('withdraws a draft made in the wrong campaign, and the same case and applicant then apply in the right one', async () => {
    const wrong = body('demo-prep');
    const id = await create(wrong);
    const blocked = await api('POST', '/applications', {
      token: clerk,
      body: { ...wrong, campaignId: 'demo' },
    });
    expectProblem(blocked, 409, 'DUPLICATE_APPLICATION');

    const res = await withdraw(id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id,
      status: 'withdrawn',
      version: 2,
      pendingAt: null,
      withdrawal: { reason: REASON, by: 'clerk-withdrawal' },
    });
    expect(res.headers.get('etag')).toBe('"v2"');
    const read = await api('GET', `/applications/${id}`, { token: clerk });
    expect(read.body).toMatchObject({ status: 'withdrawn', withdrawal: { reason: REASON } });
    expect(Date.parse(read.body.withdrawal.at)).not.toBeNaN();

    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toBe('valid');
    expect(audit.body).toHaveLength(2);
    const entry = audit.body[1];
    expect(entry.seq).toBe(2);
    expect(entry.action).toBe('application.withdrawn');
    expect(entry.actor).toEqual({ sub: 'clerk-withdrawal', court: 'GD0104', roles: ['clerk'] });
    expect(entry.fromStatus).toBe('draft');
    expect(entry.toStatus).toBe('withdrawn');
    expect(entry.detail).toEqual({ reason: REASON });
    expect(entry.prevHash).toBe(audit.body[0].hash);

    const again = await api('POST', '/applications', {
      token: clerk,
      body: { ...wrong, campaignId: 'demo' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.campaignId).toBe('demo');

    const listed = await api('GET', '/applications?status=withdrawn&limit=200', { token: clerk });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('withdraws a returned application, which then no longer counts as returned in the report', async () => {
    const id = await create();
    await uploadAllDocuments(id, clerk);
    expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
    const before = await gdRow();
    const returned = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'return', comment: '请补充困难证明' },
    });
    expect(returned.body.status).toBe('returned');
    const counted = await gdRow();
    expect(counted.returned).toBe(before.returned + 1);
    expect(counted.pending).toBe(before.pending - 1);

    const res = await withdraw(id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    const after = await gdRow();
    expect(after.returned).toBe(before.returned);
    expect(after.pending).toBe(before.pending - 1);
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.body.at(-1)).toMatchObject({
      action: 'application.withdrawn',
      fromStatus: 'returned',
      toStatus: 'withdrawn',
      detail: { reason: REASON },
    });

    // Withdrawn is final: no edit, no submission, no new material.
    const patch = await api('PATCH', `/applications/${id}`, {
      token: clerk,
      headers: { 'if-match': `"v${res.body.version}"` },
      body: { hardship: { statement: '补充' } },
    });
    expectProblem(patch, 409, 'INVALID_STATUS');
    expectProblem(
      await api('POST', `/applications/${id}/submit`, { token: clerk, body: form }),
      409,
      'INVALID_STATUS',
    );
    const upload = await api('POST', `/applications/${id}/documents`, {
      token: clerk,
      body: { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: 'a'.repeat(64) },
    });
    expect(upload.status).toBe(409);
  });

  it('refuses an application pending approval, or already withdrawn, with 409 INVALID_STATUS and changes nothing', async () => {
    const pendingBody = body();
    const pending = await create(pendingBody);
    await uploadAllDocuments(pending, clerk);
    expect((await api('POST', `/applications/${pending}/submit`, { token: clerk, body: form })).status).toBe(
      202,
    );
    const before = await footprint(pending);
    expectProblem(await withdraw(pending), 409, 'INVALID_STATUS');
    expect(await footprint(pending)).toEqual(before);
    // Its duplicate lock still holds: the case and applicant cannot apply a second time.
    expectProblem(
      await api('POST', '/applications', { token: clerk, body: pendingBody }),
      409,
      'DUPLICATE_APPLICATION',
    );

    const gone = await create();
    expect((await withdraw(gone)).status).toBe(200);
    const withdrawn = await footprint(gone);
    expectProblem(await withdraw(gone), 409, 'INVALID_STATUS');
    expect(await footprint(gone)).toEqual(withdrawn);
  });

  it('requires a reason (present, not blank, at most 2,000 characters) and changes nothing otherwise', async () => {
    const id = await create();
    const before = await footprint(id);
    for (const reason of [NO_REASON, '', '   ', 42, null, 'x'.repeat(2001)]) {
      const res = await withdraw(id, reason);
      expect(res.status, `${String(reason).slice(0, 20)}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const extra = await api('POST', `/applications/${id}/withdrawal`, {
      token: clerk,
      body: { reason: REASON, status: 'draft' },
    });
    expect(extra.status).toBe(400);
    expect(await footprint(id)).toEqual(before);
    expect((await withdraw(id, 'x'.repeat(2000))).status).toBe(200);
  });

  it('is for the executing court’s clerk only: 403 for its approver and a superior court’s clerk, 404 outside the jurisdiction', async () => {
    const id = await create();
    const before = await footprint(id);
    expectProblem(await withdraw(id, REASON, { tok: approver }), 403, 'ROLE_FORBIDDEN');
    expectProblem(await withdraw(id, REASON, { tok: otherClerk }), 403, 'ROLE_FORBIDDEN');
    const foreign = await token('SH0115', ['clerk'], 'clerk-withdrawal-foreign');
    expectProblem(await withdraw(id, REASON, { tok: foreign }), 404, 'NOT_FOUND');
    expect(await footprint(id)).toEqual(before);
  });

  it('honours Idempotency-Key: a replay answers the first response, the same key with another reason is 422', async () => {
    const id = await create();
    const key = `withdraw-${id}`;
    const first = await withdraw(id, REASON, { key });
    expect(first.status).toBe(200);
    const replay = await withdraw(id, REASON, { key });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(await withdraw(id, '另一个理由', { key }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expectProblem(
      await api('POST', `/applications/${id}/withdrawal`, {
        token: clerk,
        body: { reason: REASON },
        headers: { 'idempotency-key': 'not a valid key!' },
      }),
      400,
      'INVALID_IDEMPOTENCY_KEY',
    );
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.body.filter((e: { action: string }) => e.action === 'application.withdrawn')).toHaveLength(
      1,
    );
  });
});
