import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, sha256Hex, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * Integrity (廉政风险), materials: from submission the materials are frozen, and what each level
 * approves is exactly what the insurer receives (each decision records the hashes it saw).
 * Reproduces the swap (an upload grant from before submission used after it), a second object
 * written over an uploaded document, an object gone before dispatch, and the return that unfreezes.
 */
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '审查法官' } };
const BUCKET = 'relief-documents';

interface Doc {
  documentId: string;
  type: string;
  status: string;
  sha256: string;
  rejectedReason?: string;
}
interface AuditRow {
  action: string;
  detail: Record<string, unknown>;
}
type Evidence = { documentId: string; type: string; sha256: string }[];

let s3: S3Client;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, court, role] of [
    ['clerk', 'BJ0105', 'clerk'],
    ['basic', 'BJ0105', 'approver'],
    ['high', 'BJ', 'approver'],
    ['heClerk', 'JX0102', 'clerk'],
    ['heBasic', 'JX0102', 'approver'],
    ['heMiddle', 'JX01', 'approver'],
    ['heHigh', 'JX', 'approver'],
    ['spc', 'SPC', 'spc-admin'],
  ] as const) {
    tokens[name] = await token(court, [role], `integrity-${name}`);
  }
  // Someone holding the bucket's credentials (an operator, a compromised process), not a client.
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: inject('s3Endpoint'),
    forcePathStyle: true,
    credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});

afterAll(() => s3?.destroy());

const scan = (label: string) => Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`);
/** The object key of an uploaded document: the path of its download URL, after the bucket. */
async function keyOf(applicationId: string, documentId: string, clerk = tokens.clerk): Promise<string> {
  const doc = await api('GET', `/applications/${applicationId}/documents/${documentId}`, { token: clerk });
  return decodeURIComponent(new URL(doc.body.url as string).pathname).replace(/^\/[^/]+\//, '');
}

async function draft(clerk = tokens.clerk, courtPrefix = '京0105') {
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix }),
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk as string);
  return id;
}

async function documents(id: string, clerk = tokens.clerk): Promise<Doc[]> {
  return (await api('GET', `/applications/${id}/documents`, { token: clerk })).body.items;
}

async function audit(id: string, clerk = tokens.clerk): Promise<AuditRow[]> {
  return (await api('GET', `/applications/${id}/audit`, { token: clerk })).body;
}

async function application(id: string, clerk = tokens.clerk) {
  return (await api('GET', `/applications/${id}`, { token: clerk })).body;
}

async function requestUpload(id: string, type: string, bytes: Buffer, clerk = tokens.clerk) {
  return api('POST', `/applications/${id}/documents`, {
    token: clerk,
    body: { type, contentType: 'application/pdf', sizeBytes: bytes.length, sha256: sha256Hex(bytes) },
  });
}

async function put(upload: { url: string; headers: Record<string, string> }, bytes: Buffer) {
  return fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
}

async function decide(id: string, approver: string | undefined, decision: string, comment = '') {
  return api('POST', `/applications/${id}/decisions`, { token: approver, body: { decision, comment } });
}

/** The evidence set as the documents listing shows it: the uploaded ones, by type. */
function uploadedEvidence(docs: Doc[]): Evidence {
  return docs
    .filter((d) => d.status === 'uploaded')
    .map((d) => ({ documentId: d.documentId, type: d.type, sha256: d.sha256 }));
}

const byType = (e: Evidence) => [...e].sort((a, b) => a.type.localeCompare(b.type));

async function paid(id: string) {
  await eventually(async () => (await application(id)).status === 'paid', `${id} paid`, 200);
}

describe('materials freeze at submission', () => {
  it('keeps an object sent through a grant from before submission out: LATE_UPLOAD, audited, and the package carries the reviewed scan', async () => {
    const id = await draft();
    const reviewed = (await documents(id)).find((d) => d.type === 'identity') as Doc;
    // The swap: a grant for another identity scan, requested while the application is a draft …
    const swap = scan('another identity scan');
    const grant = await requestUpload(id, 'identity', swap);
    expect(grant.status).toBe(201);
    expect(
      (await api('POST', `/applications/${id}/submit`, { token: tokens.clerk, body: form })).status,
    ).toBe(202);
    // … and used after submission. S3 accepts the signed PUT; the system keeps the object out.
    expect((await put(grant.body.upload, swap)).status).toBe(200);
    const late = await eventually(async () => {
      const doc = (await documents(id)).find((d) => d.documentId === grant.body.documentId);
      return doc?.status === 'rejected' ? doc : undefined;
    }, 'late upload rejected');
    expect(late.rejectedReason).toBe('LATE_UPLOAD');
    const lateDoc = await api('GET', `/applications/${id}/documents/${grant.body.documentId}`, {
      token: tokens.clerk,
    });
    expect(lateDoc.body.url).toBeUndefined();
    expect(await audit(id)).toContainEqual(
      expect.objectContaining({
        action: 'document.rejected',
        detail: expect.objectContaining({ documentId: grant.body.documentId, problems: ['LATE_UPLOAD'] }),
      }),
    );

    expect((await decide(id, tokens.basic, 'approve')).status).toBe(200);
    expect((await decide(id, tokens.high, 'approve')).body.status).toBe('awaiting_payout');
    await paid(id);
    const dispatched = (await audit(id)).find((e) => e.action === 'package.dispatched');
    const sent = dispatched?.detail.documents as Evidence;
    expect(sent).toHaveLength(6);
    expect(sent.find((d) => d.type === 'identity')).toEqual({
      documentId: reviewed.documentId,
      type: 'identity',
      sha256: reviewed.sha256,
    });
    expect(sent.map((d) => d.sha256)).not.toContain(sha256Hex(swap));
  });

  it('refuses a new document on a submitted application with 409 MATERIALS_FROZEN and writes nothing', async () => {
    const id = await draft();
    expect(
      (await api('POST', `/applications/${id}/submit`, { token: tokens.clerk, body: form })).status,
    ).toBe(202);
    const docsBefore = await documents(id);
    const auditBefore = await audit(id);
    const res = await requestUpload(id, 'hardship-proof', scan('a newer hardship proof'));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, code: 'MATERIALS_FROZEN' });
    expect(await documents(id)).toEqual(docsBefore);
    expect(await audit(id)).toEqual(auditBefore);
  });
});

describe('evidence-bound approval', () => {
  it('records in every decision and its audit entry the id, type and SHA-256 of each document it saw', async () => {
    const id = await draft();
    const evidence = uploadedEvidence(await documents(id));
    expect(evidence).toHaveLength(6);
    expect(
      (await api('POST', `/applications/${id}/submit`, { token: tokens.clerk, body: form })).status,
    ).toBe(202);
    const first = await decide(id, tokens.basic, 'approve');
    expect(first.status).toBe(200);
    expect(byType(first.body.decision.documents)).toEqual(byType(evidence));
    await decide(id, tokens.high, 'approve');
    const trail = await audit(id);
    const submitted = trail.find((e) => e.action === 'application.submitted');
    expect(byType(submitted?.detail.documents as Evidence)).toEqual(byType(evidence));
    const approvals = trail.filter((e) => e.action === 'decision.approve');
    expect(approvals).toHaveLength(2);
    for (const entry of approvals)
      expect(byType(entry.detail.documents as Evidence)).toEqual(byType(evidence));
    await paid(id);
  });

  it('rejects an uploaded document whose object is overwritten (OBJECT_CHANGED), refuses to approve without it, and after a return and a new upload binds the resubmission to the new evidence', async () => {
    const id = await draft();
    const original = uploadedEvidence(await documents(id));
    expect(
      (await api('POST', `/applications/${id}/submit`, { token: tokens.clerk, body: form })).status,
    ).toBe(202);
    const identity = original.find((d) => d.type === 'identity') as Evidence[number];
    // A second object written to the same key, not through any grant.
    const forged = scan('a forged identity scan');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: await keyOf(id, identity.documentId),
        Body: forged,
        ContentType: 'application/pdf',
      }),
    );
    const changed = await eventually(async () => {
      const doc = (await documents(id)).find((d) => d.documentId === identity.documentId);
      return doc?.status === 'rejected' ? doc : undefined;
    }, 'overwritten document rejected');
    expect(changed.rejectedReason).toBe('OBJECT_CHANGED');
    expect(await audit(id)).toContainEqual(
      expect.objectContaining({
        action: 'document.rejected',
        detail: expect.objectContaining({
          documentId: identity.documentId,
          problems: ['OBJECT_CHANGED'],
          expectedSha256: identity.sha256,
          actualSha256: sha256Hex(forged),
        }),
      }),
    );

    // The court's own bureau cannot approve what it can no longer see …
    const refused = await decide(id, tokens.basic, 'approve');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('MATERIALS_INCOMPLETE');
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'documents.identity' })]);
    expect((await application(id)).status).toBe('pending_approval');
    // … it returns the application (退回补充), which unfreezes the materials for the clerk.
    const returned = await decide(id, tokens.basic, 'return', '身份证明扫描件与审查时不一致，请重新上传。');
    expect(returned.body.status).toBe('returned');
    const fresh = scan('the identity scan, uploaded again');
    const grant = await requestUpload(id, 'identity', fresh);
    expect(grant.status).toBe(201);
    expect((await put(grant.body.upload, fresh)).status).toBe(200);
    await eventually(
      async () =>
        (await documents(id)).find((d) => d.documentId === grant.body.documentId)?.status === 'uploaded',
      'new identity scan uploaded',
    );
    const resubmitted = await api('POST', `/applications/${id}/submit`, { token: tokens.clerk, body: form });
    expect(resubmitted.body).toMatchObject({ status: 'pending_approval', submissionSeq: 2 });

    const expected = byType([
      ...original.filter((d) => d.type !== 'identity'),
      { documentId: grant.body.documentId, type: 'identity', sha256: sha256Hex(fresh) },
    ]);
    const basic = await decide(id, tokens.basic, 'approve');
    expect(byType(basic.body.decision.documents)).toEqual(expected);
    const approved = await decide(id, tokens.high, 'approve');
    expect(approved.body.status).toBe('awaiting_payout');
    expect(byType(approved.body.decision.documents)).toEqual(expected);
    await paid(id);
    const trail = await audit(id);
    const resubmission = trail.filter((e) => e.action === 'application.submitted')[1];
    expect(byType(resubmission?.detail.documents as Evidence)).toEqual(expected);
    const dispatched = trail.find((e) => e.action === 'package.dispatched');
    expect(byType(dispatched?.detail.documents as Evidence)).toEqual(expected);
  });
});

describe('dispatch verifies the stored objects', () => {
  it('withholds the package when an approved object is gone, flags the application for an operator and keeps the quota reserved', async () => {
    const quota = async () => (await api('GET', '/campaigns/demo/quotas/JX', { token: tokens.spc })).body;
    const id = await draft(tokens.heClerk, '赣0102');
    const evidence = uploadedEvidence(await documents(id, tokens.heClerk));
    expect(
      (await api('POST', `/applications/${id}/submit`, { token: tokens.heClerk, body: form })).status,
    ).toBe(202);
    expect((await decide(id, tokens.heBasic, 'approve')).status).toBe(200);
    expect((await decide(id, tokens.heMiddle, 'approve')).status).toBe(200);
    // Deleting writes no ObjectCreated event: only the check at dispatch can notice.
    const hardship = evidence.find((d) => d.type === 'hardship-proof') as Evidence[number];
    await s3.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: await keyOf(id, hardship.documentId, tokens.heClerk) }),
    );
    const before = await quota();
    expect((await decide(id, tokens.heHigh, 'approve')).body.status).toBe('awaiting_payout');

    const held = await eventually(async () => {
      const app = await application(id, tokens.heClerk);
      return app.integrityHold ? app : undefined;
    }, 'integrity hold');
    expect(held.status).toBe('awaiting_payout');
    expect(held.integrityHold).toMatchObject({
      code: 'EVIDENCE_MISMATCH',
      packageId: `PKG-${id}-1`,
      documents: [{ ...hardship, problem: 'OBJECT_MISSING' }],
    });
    const execution = await eventually(async () => {
      const e = (await api('GET', `/dev/executions/${id}-s1`)).body;
      return e.status === 'RUNNING' ? undefined : e;
    }, 'execution end');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'EvidenceMismatch' });
    const trail = await audit(id, tokens.heClerk);
    expect(trail.map((e) => e.action)).not.toContain('package.dispatched');
    expect(trail.filter((e) => e.action === 'package.withheld')).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ code: 'EVIDENCE_MISMATCH', quotaReservedFen: 3_000_000 }),
      }),
    ]);
    const after = await quota();
    expect(after.reservedFen - before.reservedFen).toBe(3_000_000);
    expect(after.disbursedFen).toBe(before.disbursedFen);
  });
});
