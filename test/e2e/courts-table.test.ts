/**
 * Courts are table data: PUT /courts/{code} (spc-admin) validates against the registry as it would be
 * after the change, audits it, and a move of a court never changes where an application already
 * submitted goes (its route is fixed at submission).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

const form = {
  approvalForm: { reviewOpinion: '材料齐全，符合救助条件，同意报请审批。', reviewedBy: '李法官' },
};

let spc: string;
let clerkOf: (code: string) => Promise<string>;

const fieldsOf = (court: Record<string, unknown>) => {
  const { code: _code, ...fields } = court;
  return fields;
};

async function court(code: string) {
  const res = await api('GET', `/courts/${code}`, { token: spc });
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-admin-courts');
  clerkOf = (code) => token(code, ['clerk'], `clerk-${code}`);
});

describe('PUT /courts/{code}', () => {
  it('updates a court, answers it with the registry version, serves it from then on and audits it', async () => {
    const before = await court('XZ0103');
    const res = await api('PUT', '/courts/XZ0103', {
      token: spc,
      body: { ...fieldsOf(before), name: '西藏自治区拉萨市堆龙德庆区人民法院（更名）' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.name).toBe('西藏自治区拉萨市堆龙德庆区人民法院（更名）');
    expect(res.headers.get('etag')).toMatch(/^"v\d+"$/);
    expect((await court('XZ0103')).name).toBe('西藏自治区拉萨市堆龙德庆区人民法院（更名）');
    const trail = await api('GET', '/courts/XZ0103/audit', { token: spc });
    expect(trail.status).toBe(200);
    expect(trail.body.chainValid).toBe(true);
    expect(trail.body.items.at(-1)).toMatchObject({
      action: 'court.updated',
      courts: ['XZ0103'],
      detail: { changes: { name: { from: before.name, to: '西藏自治区拉萨市堆龙德庆区人民法院（更名）' } } },
    });
  });

  it.each([
    [{ parentCode: 'XZ99' }, 422, 'UNKNOWN_PARENT_COURT'],
    [{ parentCode: 'SC01' }, 422, 'COURT_PARENT_CROSSES_PROVINCE'],
    [{ parentCode: 'XZ' }, 422, 'COURT_LEVEL_MISMATCH'],
    [{ level: 'intermediate' }, 422, 'COURT_LEVEL_MISMATCH'],
    [{ caseCourtPrefix: '藏0102' }, 409, 'CASE_PREFIX_TAKEN'],
    [{ directToHighCourt: true }, 422, 'DIRECT_TO_HIGH_COURT_NOT_ALLOWED'],
  ])('refuses %j with %i %s and changes nothing', async (change, status, code) => {
    const before = await court('XZ0104');
    const trailBefore = (await api('GET', '/courts/XZ0104/audit', { token: spc })).body.items.length;
    const res = await api('PUT', '/courts/XZ0104', { token: spc, body: { ...fieldsOf(before), ...change } });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(await court('XZ0104')).toEqual(before);
    expect((await api('GET', '/courts/XZ0104/audit', { token: spc })).body.items.length).toBe(trailBefore);
  });

  it('refuses a parent that makes a cycle', async () => {
    const before = await court('XZ01');
    const res = await api('PUT', '/courts/XZ01', {
      token: spc,
      body: { ...fieldsOf(before), parentCode: 'XZ0102' },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('COURT_PARENT_CYCLE');
    expect(await court('XZ01')).toEqual(before);
  });

  it('is for SPC administrators only, and a stale If-Match is 409 VERSION_CONFLICT', async () => {
    const before = await court('XZ0102');
    const clerk = await clerkOf('XZ0102');
    const denied = await api('PUT', '/courts/XZ0102', { token: clerk, body: fieldsOf(before) });
    expect(denied.status).toBe(403);
    const stale = await api('PUT', '/courts/XZ0102', {
      token: spc,
      headers: { 'if-match': '"v0"' },
      body: { ...fieldsOf(before), name: '改名' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect(await court('XZ0102')).toEqual(before);
  });
});

describe('the route is fixed at submission', () => {
  it('moving the executing court under another intermediate court leaves a submitted application on its recorded route', async () => {
    const clerk = await clerkOf('BJ0109');
    const approver = await token('BJ0109', ['approver'], 'approver-BJ0109');
    const bj01 = await token('BJ01', ['approver'], 'approver-BJ01-courts');
    const bj02 = await token('BJ02', ['approver'], 'approver-BJ02-courts');
    const created = await api('POST', '/applications', {
      token: clerk,
      body: applicationBody({ courtPrefix: '京0109' }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    await uploadAllDocuments(id, clerk);
    const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);

    const before = await court('BJ0109');
    const moved = await api('PUT', '/courts/BJ0109', {
      token: spc,
      body: { ...fieldsOf(before), parentCode: 'BJ02' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    try {
      const first = await api('POST', `/applications/${id}/decisions`, {
        token: approver,
        body: { decision: 'approve', comment: '' },
      });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.pendingAt).toBe('BJ01');
      // The new intermediate court is not on the recorded route: the application is not its to see.
      const intruder = await api('POST', `/applications/${id}/decisions`, {
        token: bj02,
        body: { decision: 'approve', comment: '' },
      });
      expect(intruder.status).toBe(404);
      const second = await api('POST', `/applications/${id}/decisions`, {
        token: bj01,
        body: { decision: 'approve', comment: '' },
      });
      expect(second.status, JSON.stringify(second.body)).toBe(200);
      expect(second.body.pendingAt).toBe('BJ');
      const app = await api('GET', `/applications/${id}`, { token: bj01 });
      expect(app.body.route).toEqual(['BJ0109', 'BJ01', 'BJ']);
    } finally {
      await api('PUT', '/courts/BJ0109', { token: spc, body: fieldsOf(before) });
    }
  });
});
