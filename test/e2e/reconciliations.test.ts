import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * 对账 over HTTP: POST /campaigns/{campaignId}/reconciliations with the insurer's statement as text/csv
 * (UTF-8 or GBK bytes, passed through unchanged), GET …/reconciliations/{id}. Cases of 贵州高院 (GZ)
 * itself (one approval), paid by the local insurer; GZ is touched by no other suite.
 */

const HEADER = 'packageId,transactionRef,amountFen,paidAt';
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '对账测试法官' } };
let spc: string;
let clerk: string;
let approver: string;

beforeAll(async () => {
  spc = await token('SPC', ['spc-admin'], 'spc-reconciliation');
  clerk = await token('GZ', ['clerk'], 'clerk-reconciliation');
  approver = await token('GZ', ['approver'], 'approver-reconciliation');
});

async function post(bytes: Buffer, contentType = 'text/csv; charset=utf-8', key = `recon-${Math.random()}`) {
  const res = await fetch(`${baseUrl()}/campaigns/demo/reconciliations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${spc}`, 'content-type': contentType, 'idempotency-key': key },
    body: bytes,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** A GZ application approved and paid by the local insurer: its package id and amount. */
async function paidPackage() {
  const body = applicationBody({ courtPrefix: '黔' });
  body.reliefAmountFen = 120_000;
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
  const decided = await api('POST', `/applications/${id}/decisions`, {
    token: approver,
    body: { decision: 'approve', comment: '同意' },
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  let app: { status: string; reliefAmountFen: number } | undefined;
  await eventually(async () => {
    app = (await api('GET', `/applications/${id}`, { token: clerk })).body;
    return app?.status === 'paid';
  }, 'paid by the local insurer');
  // The package of the first submission (usecases/payouts.ts packageIdOf), as the insurer received it.
  return { id, packageId: `PKG-${id}-1`, amountFen: app?.reliefAmountFen as number };
}

describe('insurer reconciliation', () => {
  it('reconciles a GBK statement: the paid package matched, an unknown and a mismatched one named; stored and readable', async () => {
    const a = await paidPackage();
    const b = await paidPackage();
    // transactionRef "人保-1" in GBK: C8 CB B1 A3
    const gbk = Buffer.concat([
      Buffer.from(`${HEADER}\r\n${a.packageId},`),
      Buffer.from([0xc8, 0xcb, 0xb1, 0xa3]),
      Buffer.from(`-1,${a.amountFen},2026-12-01\r\n${b.packageId},T-2,${b.amountFen + 100},2026-12-01\r\n`),
      Buffer.from('PKG-NOT-OURS-1,T-3,500,2026-12-01\r\n'),
    ]);
    const res = await post(gbk, 'text/csv; charset=gbk');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.statement.encoding).toBe('gb18030');
    expect(res.body.matched, JSON.stringify(res.body)).toBe(1);
    expect(res.body.duplicates).toEqual([]);
    expect(res.body.amountMismatches).toEqual([
      {
        row: 3,
        packageId: b.packageId,
        applicationId: b.id,
        approvedFen: b.amountFen,
        statedFen: b.amountFen + 100,
      },
    ]);
    expect(res.body.unknownPackages).toEqual([
      { row: 4, packageId: 'PKG-NOT-OURS-1', transactionRef: 'T-3', amountFen: 500 },
    ]);
    const packages = res.body.missingFromStatement.map((m: { packageId: string }) => m.packageId);
    expect(packages).not.toContain(a.packageId);
    expect(res.headers.get('location')).toBe(`/campaigns/demo/reconciliations/${res.body.id}`);
    const read = await api('GET', `/campaigns/demo/reconciliations/${res.body.id}`, { token: spc });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('refuses bad statements with 422 naming row and column; a wrong media type 415; not the SPC 403', async () => {
    const bad = await post(Buffer.from(`\uFEFF${HEADER},extra\nP,T,1.5,2026-13-01,x\n`));
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('STATEMENT_INVALID');
    expect(bad.body.errors.map((e: { code: string; path: string }) => [e.code, e.path])).toEqual([
      ['UNKNOWN_COLUMN', 'header.extra'],
    ]);
    const rows = await post(Buffer.from(`${HEADER}\nP,T,1.5,2026-13-01\nQ,T,-3,2026-12-01\n`));
    expect(rows.body.errors.map((e: { code: string; path: string }) => [e.code, e.path])).toEqual([
      ['FRACTIONAL_AMOUNT', 'rows[2].amountFen'],
      ['INVALID_DATE', 'rows[2].paidAt'],
      ['NEGATIVE_AMOUNT', 'rows[3].amountFen'],
    ]);
    expect(rows.body.errors[0].message).toContain('row 2, column amountFen');
    const encoding = await post(Buffer.from([0x70, 0xff, 0xfe, 0x0a]));
    expect([encoding.status, encoding.body.errors?.[0]?.code]).toEqual([422, 'INVALID_ENCODING']);
    const json = await post(Buffer.from('{}'), 'application/json');
    expect(json.status).toBe(415);
    const high = await api('POST', '/campaigns/demo/reconciliations', {
      token: approver,
      rawBody: `${HEADER}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(high.status).toBe(403);
    expect((await api('GET', '/campaigns/demo/reconciliations/nope', { token: spc })).status).toBe(404);
  });
});
