import { beforeAll, describe, expect, it } from 'vitest';
import { api, token } from '../support/api.ts';
import { applicationBody, residentId } from '../support/applications.ts';

let clerk: string;
let otherClerk: string;
let approverAbove: string;
let approverBJ01: string;
let spc: string;

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-chaoyang');
  otherClerk = await token('BJ0108', ['clerk'], 'clerk-haidian');
  approverAbove = await token('BJ', ['approver'], 'approver-bj-high');
  approverBJ01 = await token('BJ01', ['approver'], 'approver-bj01');
  spc = await token('SPC', ['spc-admin'], 'spc-admin');
});

describe('service routes', () => {
  it('answers /health without a token', async () => {
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'relief' });
  });

  it('serves an OpenAPI 3.1 document naming every contract route', async () => {
    const res = await api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const p of [
      '/applications',
      '/applications/{id}',
      '/applications/{id}/documents',
      '/courts/{code}',
      '/campaigns/{campaignId}',
    ]) {
      expect(Object.keys(res.body.paths)).toContain(p);
    }
    expect(Object.keys(res.body.paths)).not.toContain('/dev/tokens');
  });
});

describe('reference data', () => {
  it('reads a court with its contract fields', async () => {
    const res = await api('GET', '/courts/BJ0105', { token: clerk });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'BJ0105',
      level: 'basic',
      province: 'BJ',
      directToHighCourt: true,
    });
    expect(typeof res.body.name).toBe('string');
  });

  it('404s an unknown court and 400s a malformed code', async () => {
    expect((await api('GET', '/courts/ZZ9999', { token: clerk })).status).toBe(404);
    const bad = await api('GET', '/courts/not-a-code', { token: clerk });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lists the 32 quota holders', async () => {
    const res = await api('GET', '/courts?level=high&limit=200', { token: clerk });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(32);
  });

  it('lists campaigns including the 2018 campaign and the open demo campaign', async () => {
    const res = await api('GET', '/campaigns', { token: clerk });
    expect(res.status).toBe(200);
    const ids = res.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain('demo');
    expect(ids.some((id: string) => id.startsWith('2018'))).toBe(true);
    const demo = await api('GET', '/campaigns/demo', { token: clerk });
    expect(demo.body.standardLimitFen).toBe(5_000_000);
  });
});

describe('authentication', () => {
  it('401s without a token, with a tampered token and with a garbage scheme', async () => {
    expect((await api('GET', '/applications')).status).toBe(401);
    const tampered = `${clerk.slice(0, -4)}AAAA`;
    const res = await api('GET', '/applications', { token: tampered });
    expect(res.status).toBe(401);
    expect(res.body.code).toMatch(/^TOKEN_/);
    expect((await api('GET', '/applications', { headers: { authorization: `Basic ${clerk}` } })).status).toBe(
      401,
    );
  });

  it('refuses to mint a token for an unknown court or an spc-admin outside the SPC', async () => {
    expect(
      (await api('POST', '/dev/tokens', { body: { sub: 'x', court: 'ZZ01', roles: ['clerk'] } })).status,
    ).toBe(422);
    expect(
      (await api('POST', '/dev/tokens', { body: { sub: 'x', court: 'BJ', roles: ['spc-admin'] } })).status,
    ).toBe(422);
  });
});

describe('creating applications', () => {
  it('creates an eligible application as a draft with an ETag and an audit entry', async () => {
    const res = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      courtCode: 'BJ0105',
      eligibility: { eligible: true, failures: [] },
    });
    expect(res.body.route).toEqual(['BJ0105', 'BJ']);
    expect(res.headers.get('etag')).toBe('"v1"');
    const audit = await api('GET', `/applications/${res.body.id}/audit`, { token: clerk });
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({
      seq: 1,
      action: 'application.created',
      toStatus: 'draft',
      actor: { sub: 'clerk-chaoyang', court: 'BJ0105' },
    });
    expect(audit.headers.get('audit-chain')).toBe('valid');
  });

  it('returns every failed condition at once, in Chinese and English, and writes nothing', async () => {
    const body = applicationBody();
    body.case.concluded = true;
    body.consentToTermination = false;
    body.case.claimAmountFen = 20_000_000;
    body.applicant.idNumber = '110105198001011234';
    const res = await api('POST', '/applications', { token: clerk, body });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INELIGIBLE');
    const codes = res.body.errors.map((e: { code: string }) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining(['CASE_CONCLUDED', 'NO_CONSENT', 'AMOUNT_OVER_LIMIT', 'INVALID_ID_NUMBER']),
    );
    expect(res.body.errors.every((e: { messageZh?: string }) => typeof e.messageZh === 'string')).toBe(true);
    // Nothing was written: the same case and applicant can still be created once fixed.
    const fixed = {
      ...applicationBody({ caseNumber: body.case.caseNumber }),
      applicant: { ...body.applicant, idNumber: residentId('110105', '19800101', '555') },
    };
    fixed.bankAccount.holderIdNumber = fixed.applicant.idNumber;
    expect((await api('POST', '/applications', { token: clerk, body: fixed })).status).toBe(201);
  });

  it('rejects a preservation case and an invalid case number', async () => {
    const preservation = applicationBody();
    preservation.case.caseNumber = '（2024）京0105执保77号';
    const a = await api('POST', '/applications', { token: clerk, body: preservation });
    expect(a.status).toBe(422);
    expect(a.body.errors.map((e: { code: string }) => e.code)).toContain('PRESERVATION_CASE');
    const garbage = applicationBody({ caseNumber: '京0105执1234' });
    const b = await api('POST', '/applications', { token: clerk, body: garbage });
    expect(b.status).toBe(422);
    expect(b.body.errors.map((e: { code: string }) => e.code)).toContain('INVALID_CASE_NUMBER');
  });

  it('refuses a second open application for the same case and applicant with 409', async () => {
    const body = applicationBody();
    expect((await api('POST', '/applications', { token: clerk, body })).status).toBe(201);
    const again = await api('POST', '/applications', {
      token: clerk,
      body: {
        ...body,
        case: { ...body.case, caseNumber: body.case.caseNumber.replace('(', '（').replace(')', '）') },
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE_APPLICATION');
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const body = applicationBody();
    const key = `create-${Date.now()}`;
    const first = await api('POST', '/applications', {
      token: clerk,
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await api('POST', '/applications', {
      token: clerk,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const other = await api('POST', '/applications', {
      token: clerk,
      body: applicationBody(),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.each([
    ['malformed JSON', { rawBody: '{"campaignId": ' }, 400, 'MALFORMED_JSON'],
    ['an unknown field', { body: { ...applicationBody(), surprise: 1 } }, 400, 'VALIDATION_FAILED'],
    [
      'a wrong type',
      { body: { ...applicationBody(), reliefAmountFen: '3000000' } },
      400,
      'VALIDATION_FAILED',
    ],
    ['fractional money', { body: { ...applicationBody(), reliefAmountFen: 10.5 } }, 400, 'VALIDATION_FAILED'],
    [
      'an oversized body',
      { rawBody: JSON.stringify({ campaignId: 'x'.repeat(100_000) }) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a non-JSON content type',
      { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('refuses %s with a problem+json and creates nothing', async (_what, opts, status, code) => {
    const before = await api('GET', '/applications?limit=200', { token: clerk });
    const res = await api('POST', '/applications', { token: clerk, ...(opts as object) });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    const after = await api('GET', '/applications?limit=200', { token: clerk });
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('refuses creation by an approver (403) and by the SPC (403)', async () => {
    expect(
      (await api('POST', '/applications', { token: approverAbove, body: applicationBody() })).status,
    ).toBe(403);
    expect((await api('POST', '/applications', { token: spc, body: applicationBody() })).status).toBe(403);
  });

  it("refuses a case number of another court's case (CASE_COURT_MISMATCH)", async () => {
    const res = await api('POST', '/applications', { token: otherClerk, body: applicationBody() });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { code: string }) => e.code)).toContain('CASE_COURT_MISMATCH');
  });
});

describe('jurisdiction', () => {
  it("hides the first court's application from a sibling court (404) and shows it masked to its high court", async () => {
    const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const id = created.body.id;
    const sibling = await api('GET', `/applications/${id}`, { token: otherClerk });
    expect(sibling.status).toBe(404);
    expect(sibling.body.code).toBe('NOT_FOUND');
    const high = await api('GET', `/applications/${id}`, { token: approverAbove });
    expect(high.status).toBe(200);
    expect(high.body.applicant.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(high.body.bankAccount.accountNumber).toMatch(/\*{4}/);
    const own = await api('GET', `/applications/${id}`, { token: clerk });
    expect(own.body.applicant.idNumber).not.toContain('*');
    // BJ0105 sits under BJ03, not BJ01: BJ01 may not see it.
    expect((await api('GET', `/applications/${id}`, { token: approverBJ01 })).status).toBe(404);
    const list = await api('GET', '/applications?limit=200', { token: otherClerk });
    expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(id);
    expect((await api('GET', '/applications?courtCode=BJ0105', { token: otherClerk })).status).toBe(404);
  });

  it('lists for the SPC per campaign and for the high court across its province', async () => {
    const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const high = await api('GET', '/applications?limit=200', { token: approverAbove });
    expect(high.body.items.map((a: { id: string }) => a.id)).toContain(created.body.id);
    const spcList = await api('GET', '/applications?campaignId=demo&limit=200', { token: spc });
    expect(spcList.body.items.map((a: { id: string }) => a.id)).toContain(created.body.id);
    expect((await api('GET', '/applications', { token: spc })).status).toBe(422);
  });

  it('paginates with an opaque cursor and refuses a forged one', async () => {
    for (let i = 0; i < 3; i++) await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const first = await api('GET', '/applications?limit=2', { token: clerk });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/applications?limit=2&cursor=${first.body.nextCursor}`, {
      token: clerk,
    });
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const forged = await api('GET', '/applications?limit=2&cursor=eyJwayI6IkNPVVJUI0JKMDEwOCJ9', {
      token: clerk,
    });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('INVALID_CURSOR');
  });
});

describe('editing with optimistic concurrency', () => {
  it('requires If-Match, refuses a stale one, and applies a current one with an audit entry', async () => {
    const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const id = created.body.id;
    const patch = { hardship: { statement: '补充：家庭成员重病，无劳动能力。' } };
    const missing = await api('PATCH', `/applications/${id}`, { token: clerk, body: patch });
    expect(missing.status).toBe(428);
    const ok = await api('PATCH', `/applications/${id}`, {
      token: clerk,
      body: patch,
      headers: { 'if-match': '"v1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"v2"');
    expect(ok.body.hardship.statement).toBe(patch.hardship.statement);
    const stale = await api('PATCH', `/applications/${id}`, {
      token: clerk,
      body: patch,
      headers: { 'if-match': '"v1"' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual([
      'application.created',
      'application.updated',
    ]);
    expect(audit.body[1].prevHash).toBe(audit.body[0].hash);
  });

  it('refuses an edit that makes the application ineligible and leaves it unchanged', async () => {
    const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const id = created.body.id;
    const res = await api('PATCH', `/applications/${id}`, {
      token: clerk,
      body: { consentToTermination: false },
      headers: { 'if-match': '"v1"' },
    });
    expect(res.status).toBe(422);
    const after = await api('GET', `/applications/${id}`, { token: clerk });
    expect(after.body.consentToTermination).toBe(true);
    expect(after.headers.get('etag')).toBe('"v1"');
  });

  it('lets only the executing court clerk edit (403 for its high court approver, 404 for a sibling)', async () => {
    const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
    const id = created.body.id;
    const body = { consentToTermination: true };
    expect(
      (
        await api('PATCH', `/applications/${id}`, {
          token: approverAbove,
          body,
          headers: { 'if-match': '"v1"' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('PATCH', `/applications/${id}`, {
          token: otherClerk,
          body,
          headers: { 'if-match': '"v1"' },
        })
      ).status,
    ).toBe(404);
  });
});
