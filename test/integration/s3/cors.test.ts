import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Http } from '../../../functions/adapters/s3/client.ts';
import { presignUpload } from '../../../functions/adapters/s3/presign.ts';
import { type LocalObjectCreatedEvent, type LocalS3, startLocalS3 } from '../../../infra/local/s3/index.ts';
import { LOCAL_CREDENTIALS, pdfBytes, REGION, sha256Hex } from './support.ts';

/**
 * The console PUTs scans from the browser straight to presigned URLs: the local S3 answers CORS like a
 * bucket with a CORS rule does (preflight without credentials, from the bucket's configuration), and
 * the front still verifies the PUT itself.
 */
const BUCKET = 'relief-documents';
const ORIGIN = 'http://127.0.0.1:3000';
let s3: LocalS3;
let client: S3Http;
const created: LocalObjectCreatedEvent[] = [];

beforeAll(async () => {
  s3 = await startLocalS3({
    credentials: LOCAL_CREDENTIALS,
    region: REGION,
    buckets: [BUCKET],
    cors: {
      allowedOrigins: ['http://127.0.0.1:*'],
      allowedMethods: ['PUT'],
      allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
    },
  });
  s3.onObjectCreated((e) => created.push(e));
  client = new S3Http({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

async function grant(key: string, body: Buffer) {
  return presignUpload(client, {
    bucket: BUCKET,
    key,
    contentType: 'application/pdf',
    sizeBytes: body.length,
    sha256Hex: sha256Hex(body),
    expiresInSeconds: 300,
  });
}

const preflight = (url: string, origin: string, headers = 'content-type,x-amz-checksum-sha256') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': headers },
  });

describe('CORS on the local S3', () => {
  it('answers a browser’s preflight for a presigned PUT from an allowed origin, without credentials', async () => {
    const upload = await grant('cors/preflight.pdf', pdfBytes(100));
    const res = await preflight(upload.url, ORIGIN);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-sha256');
    expect(created).toEqual([]);
  });

  it('refuses a preflight from another origin or for a header the rule does not allow', async () => {
    const upload = await grant('cors/refused.pdf', pdfBytes(100));
    expect((await preflight(upload.url, 'https://evil.example')).status).toBe(403);
    expect((await preflight(upload.url, ORIGIN, 'content-type,x-amz-acl')).status).toBe(403);
  });

  it('lets the PUT through with the allow-origin header, still checked like any presigned PUT', async () => {
    const body = pdfBytes(200);
    const upload = await grant('cors/put.pdf', body);
    const bad = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, origin: ORIGIN },
      body: Buffer.concat([body.subarray(0, 199), Buffer.from('x')]),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, origin: ORIGIN },
      body,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(created.map((e) => e.key)).toEqual(['cors/put.pdf']);
  });

  it('still refuses an OPTIONS that is not a preflight without credentials', async () => {
    const upload = await grant('cors/anonymous.pdf', pdfBytes(100));
    const res = await fetch(`${s3.endpoint}${new URL(upload.url).pathname}`, { method: 'OPTIONS' });
    expect(res.status).toBe(403);
  });
});
