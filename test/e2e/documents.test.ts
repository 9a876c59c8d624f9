import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, eventually, sha256Hex, token } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

let clerk: string;
let otherClerk: string;
let approver: string;
let applicationId: string;

const pdf = Buffer.from(
  '%PDF-1.4\n% relief test scan 身份证明\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n',
);

async function requestUpload(
  body: Partial<{ type: string; contentType: string; sizeBytes: number; sha256: string }> = {},
) {
  return api('POST', `/applications/${applicationId}/documents`, {
    token: clerk,
    body: {
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: sha256Hex(pdf),
      ...body,
    },
  });
}

async function documentStatus(documentId: string) {
  const res = await api('GET', `/applications/${applicationId}/documents/${documentId}`, { token: clerk });
  return res.body.status as string;
}

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-docs');
  otherClerk = await token('BJ0108', ['clerk'], 'clerk-docs-other');
  approver = await token('BJ', ['approver'], 'approver-docs');
  const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
  applicationId = created.body.id;
});

describe('document upload', () => {
  it('uploads a scan through the presigned URL and marks it uploaded when the object lands', async () => {
    const res = await requestUpload();
    expect(res.status).toBe(201);
    const { documentId, upload } = res.body;
    expect(upload.method).toBe('PUT');
    expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(await documentStatus(documentId)).toBe('pending');
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: pdf });
    expect(put.status).toBe(200);
    await eventually(async () => (await documentStatus(documentId)) === 'uploaded', 'uploaded');
    const doc = await api('GET', `/applications/${applicationId}/documents/${documentId}`, { token: clerk });
    expect(doc.body).toMatchObject({
      type: 'identity',
      status: 'uploaded',
      sizeBytes: pdf.length,
      sha256: sha256Hex(pdf),
    });
    const download = await fetch(doc.body.url);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    const list = await api('GET', `/applications/${applicationId}/documents`, { token: approver });
    expect(list.body.items.map((d: { documentId: string }) => d.documentId)).toContain(documentId);
    const audit = await api('GET', `/applications/${applicationId}/audit`, { token: clerk });
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['document.requested', 'document.uploaded']),
    );
    expect(audit.headers.get('audit-chain')).toBe('valid');
  });

  it('never marks uploaded a body with another checksum, size or type than declared', async () => {
    const res = await requestUpload();
    const { documentId, upload } = res.body;
    const forged = Buffer.from(pdf);
    forged[forged.length - 2] = 0x21;
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: forged })).status).toBe(
      400,
    );
    const longer = Buffer.concat([pdf, Buffer.from('x')]);
    const wrongSize = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, 'content-length': String(longer.length) },
      body: longer,
    });
    expect(wrongSize.status).toBeGreaterThanOrEqual(400);
    const wrongType = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, 'content-type': 'image/png' },
      body: pdf,
    });
    expect(wrongType.status).toBe(403);
    const tampered = await fetch(upload.url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'), {
      method: 'PUT',
      headers: upload.headers,
      body: pdf,
    });
    expect(tampered.status).toBe(403);
    expect(await documentStatus(documentId)).toBe('pending');
  });

  it('rejects an object that lands with content other than declared (never uploaded)', async () => {
    const res = await requestUpload();
    const { documentId } = res.body;
    // Someone with bucket credentials writes other bytes at the key: the event handler must refuse it.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: inject('s3Endpoint'),
      forcePathStyle: true,
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'relief-documents',
        // The key the grant signed (its path in the presigned URL, after the bucket).
        Key: decodeURIComponent(new URL(res.body.upload.url).pathname).replace(/^\/[^/]+\//, ''),
        Body: Buffer.from('not the declared scan'),
        ContentType: 'application/pdf',
      }),
    );
    await eventually(async () => (await documentStatus(documentId)) === 'rejected', 'rejected');
    const doc = await api('GET', `/applications/${applicationId}/documents/${documentId}`, { token: clerk });
    expect(doc.body.url).toBeUndefined();
    expect(doc.body.rejectedReason).toContain('CHECKSUM_MISMATCH');
  });

  it.each([
    ['an unknown type', { type: 'selfie' }],
    ['an unsupported content type', { contentType: 'application/zip' }],
    ['a file over 20 MiB', { sizeBytes: 20 * 1024 * 1024 + 1 }],
    ['a malformed checksum', { sha256: 'abc' }],
  ])('refuses %s with 400', async (_what, body) => {
    const res = await requestUpload(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it("keeps another court's clerk out (404) and the high court's approver from uploading (403)", async () => {
    const body = { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: sha256Hex('x') };
    expect(
      (await api('POST', `/applications/${applicationId}/documents`, { token: otherClerk, body })).status,
    ).toBe(404);
    expect((await api('GET', `/applications/${applicationId}/documents`, { token: otherClerk })).status).toBe(
      404,
    );
    expect(
      (await api('POST', `/applications/${applicationId}/documents`, { token: approver, body })).status,
    ).toBe(403);
  });

  it('404s an unknown document id', async () => {
    const res = await api('GET', `/applications/${applicationId}/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV`, {
      token: clerk,
    });
    expect(res.status).toBe(404);
  });
});
