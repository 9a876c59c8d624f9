import { beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, sha256Hex, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** 材料审查 over HTTP: POST /applications/{id}/documents/{documentId}/review. */

const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '审查测试法官' } };

let clerk: string;
let foreignClerk: string;

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-review');
  foreignClerk = await token('SH0101', ['clerk'], 'clerk-review-foreign');
});

async function readyDraft() {
  const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  const list = await api('GET', `/applications/${id}/documents`, { token: clerk });
  const byType = new Map<string, string>(
    list.body.items.map((d: { type: string; documentId: string }) => [d.type, d.documentId]),
  );
  return { id, byType };
}

const review = (tok: string, id: string, documentId: string, body: unknown) =>
  api('POST', `/applications/${id}/documents/${documentId}/review`, {
    token: tok,
    body,
    headers: { 'idempotency-key': `review-${id}-${documentId}-${Math.random()}` },
  });

async function replaceIdentity(id: string) {
  const scan = Buffer.from(`%PDF-1.4\n% replacement identity for ${id}\n%%EOF\n`);
  const res = await api('POST', `/applications/${id}/documents`, {
    token: clerk,
    body: {
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: scan.length,
      sha256: sha256Hex(scan),
    },
  });
  expect(res.status).toBe(201);
  const put = await fetch(res.body.upload.url, {
    method: 'PUT',
    headers: res.body.upload.headers,
    body: scan,
  });
  expect(put.status).toBe(200);
  const documentId = res.body.documentId as string;
  await eventually(
    async () =>
      (await api('GET', `/applications/${id}/documents/${documentId}`, { token: clerk })).body.status ===
      'uploaded',
    'replacement uploaded',
  );
  return documentId;
}

describe('document review', () => {
  it('a clerk rejects a scan: listed as rejected with the reason, submission refused naming it, until replaced', async () => {
    const { id, byType } = await readyDraft();
    const identity = byType.get('identity') as string;
    const res = await review(clerk, id, identity, { verdict: 'rejected', reason: '身份证复印件模糊' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ documentId: identity, status: 'rejected' });
    const listed = await api('GET', `/applications/${id}/documents`, { token: clerk });
    expect(listed.body.items.find((d: { documentId: string }) => d.documentId === identity)).toMatchObject({
      status: 'rejected',
      review: { verdict: 'rejected', reason: '身份证复印件模糊', as: 'clerk' },
    });
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.body.at(-1)).toMatchObject({
      action: 'document.review-rejected',
      detail: { documentId: identity, reason: '身份证复印件模糊' },
    });

    const refused = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('MATERIALS_INCOMPLETE');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ code: 'DOCUMENT_REJECTED', path: 'documents.identity' }),
    ]);
    expect(refused.body.errors[0].message).toContain(identity);

    await replaceIdentity(id);
    const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  });

  it('the approver where it waits rejects a scan, may not approve, and the return lists the document to replace', async () => {
    const { id, byType } = await readyDraft();
    const submitted = await api('POST', `/applications/${id}/submit`, { token: clerk, body: form });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const pendingAt = submitted.body.pendingAt as string;
    const approver = await token(pendingAt, ['approver'], 'approver-review');
    const bank = byType.get('bank-account') as string;

    // The clerk cannot review any more: the materials are frozen.
    const frozen = await review(clerk, id, bank, { verdict: 'rejected', reason: '账号不清' });
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('MATERIALS_FROZEN');

    const rejected = await review(approver, id, bank, { verdict: 'rejected', reason: '银行卡号看不清' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.review).toMatchObject({ as: 'approver', court: pendingAt });

    const approve = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(approve.status).toBe(422);
    expect(approve.body.errors.map((e: { code: string }) => e.code)).toEqual(['DOCUMENT_REJECTED']);

    const returned = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'return', comment: '请更换银行卡材料' },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    expect(returned.body.status).toBe('returned');
    expect(returned.body.decision.documentsToReplace).toEqual([
      { documentId: bank, type: 'bank-account', reason: '银行卡号看不清' },
    ]);
  });

  it('refusals: blank reason 422, pending upload 409, unknown document and foreign court 404, bad verdict 400', async () => {
    const { id, byType } = await readyDraft();
    const identity = byType.get('identity') as string;
    const blank = await review(clerk, id, identity, { verdict: 'rejected', reason: '  ' });
    expect([blank.status, blank.body.code]).toEqual([422, 'REVIEW_REASON_REQUIRED']);
    expect(blank.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const grant = await api('POST', `/applications/${id}/documents`, {
      token: clerk,
      body: { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: 'a'.repeat(64) },
    });
    const pending = await review(clerk, id, grant.body.documentId, { verdict: 'accepted', reason: '' });
    expect([pending.status, pending.body.code]).toEqual([409, 'DOCUMENT_NOT_UPLOADED']);

    const unknown = await review(clerk, id, '01JZZZZZZZZZZZZZZZZZZZZZZZ', { verdict: 'accepted' });
    expect(unknown.status).toBe(404);
    const foreign = await review(foreignClerk, id, identity, { verdict: 'rejected', reason: '不清' });
    expect(foreign.status).toBe(404);
    const bad = await review(clerk, id, identity, { verdict: 'maybe', reason: '' });
    expect(bad.status).toBe(400);

    const listed = await api('GET', `/applications/${id}/documents`, { token: clerk });
    expect(listed.body.items.find((d: { documentId: string }) => d.documentId === identity).status).toBe(
      'uploaded',
    );
  });
});
