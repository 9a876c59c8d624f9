import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3Http } from '../../../functions/adapters/s3/client.ts';
import { headObject, readObjectSha256 } from '../../../functions/adapters/s3/objects.ts';
import { presignDownload, presignUpload } from '../../../functions/adapters/s3/presign.ts';
import { type LocalObjectCreatedEvent, type LocalS3, startLocalS3 } from '../../../infra/local/s3/index.ts';
import { createS3Client } from '../../support/s3-sdk.ts';
import {
  errorCode,
  isRefused,
  LOCAL_CREDENTIALS,
  pdfBytes,
  REGION,
  rawRequest,
  sha256Hex,
} from './support.ts';

const BUCKET = 'relief-documents';
const MAX_OBJECT_BYTES = 64 * 1024;

let dir: string;
let s3: LocalS3;
let client: S3Client;
/** The functions' thin client (adapters/s3/), for the adapter's own calls. */
let thin: S3Http;
let events: LocalObjectCreatedEvent[];
let unsubscribe: () => void;
let keySeq = 0;

/** A fresh key per test so objects of one test never satisfy another's assertions. */
const newKey = (name = 'scan.pdf') =>
  `applications/01HTEST${String(++keySeq).padStart(4, '0')}/documents/${name}`;

async function presignFor(
  key: string,
  body: Buffer,
  overrides: { now?: Date; expiresInSeconds?: number } = {},
) {
  return presignUpload(thin, {
    bucket: BUCKET,
    key,
    contentType: 'application/pdf',
    sizeBytes: body.length,
    sha256Hex: sha256Hex(body),
    expiresInSeconds: overrides.expiresInSeconds ?? 900,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}

async function expectNothingStored(...keys: string[]) {
  expect(events).toEqual([]);
  for (const key of keys) expect(await headObject(thin, BUCKET, key)).toBeUndefined();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-s3-test-'));
  s3 = await startLocalS3({
    dataDir: dir,
    credentials: LOCAL_CREDENTIALS,
    region: REGION,
    buckets: [BUCKET],
    maxObjectBytes: MAX_OBJECT_BYTES,
  });
  client = createS3Client({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
  thin = new S3Http({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  client?.destroy();
  thin?.destroy();
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  events = [];
  unsubscribe = s3.onObjectCreated((e) => events.push(e));
});

afterEach(() => unsubscribe());

describe('presigned upload and download (happy path)', () => {
  it('accepts a PUT with exactly the returned headers, emits ObjectCreated, and serves the bytes back', async () => {
    const key = newKey();
    const body = pdfBytes(5000);
    const upload = await presignFor(key, body);

    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-amz-checksum-sha256')).toBe(upload.headers['x-amz-checksum-sha256']);
    expect(events).toEqual([{ bucket: BUCKET, key, size: body.length, eTag: expect.any(String) }]);

    const download = await presignDownload(thin, { bucket: BUCKET, key, expiresInSeconds: 300 });
    const get = await fetch(download.url);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await get.arrayBuffer()).equals(body)).toBe(true);
  });

  it('round-trips a key with spaces and Chinese characters; the event carries the decoded key', async () => {
    const key = newKey('身份证 1 (正面)+副本.pdf');
    const body = pdfBytes(1234, '身份证');
    const upload = await presignFor(key, body);
    expect(upload.url).not.toContain(' ');

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(put.status).toBe(200);
    expect(events.map((e) => e.key)).toEqual([key]);

    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key.slice(0, 30) }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    expect(await readObjectSha256(thin, BUCKET, key)).toEqual({
      sha256Hex: sha256Hex(body),
      sizeBytes: 1234,
    });
    const get = await fetch((await presignDownload(thin, { bucket: BUCKET, key, expiresInSeconds: 60 })).url);
    expect(Buffer.from(await get.arrayBuffer()).equals(body)).toBe(true);
  });

  it('accepts an object of exactly maxObjectBytes', async () => {
    const key = newKey();
    const body = pdfBytes(MAX_OBJECT_BYTES);
    const upload = await presignFor(key, body);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(put.status).toBe(200);
    expect(events).toHaveLength(1);
  });
});

describe('header-signed SDK requests (server code)', () => {
  it('serves HeadObject, GetObject and PutObject signed with the Authorization header', async () => {
    const key = newKey('sdk.pdf');
    const body = pdfBytes(777);
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'application/pdf' }),
    );
    expect(events.map((e) => [e.key, e.size])).toEqual([[key, 777]]);

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe(777);
    expect(head.ContentType).toBe('application/pdf');
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
  });

  it('honours response-header overrides on a signed GetObject (the front signs only those upstream)', async () => {
    const key = newKey('override.pdf');
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: pdfBytes(10), ContentType: 'application/pdf' }),
    );
    const got = await client.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: key,
        ResponseContentType: 'application/octet-stream',
        ResponseContentDisposition: 'attachment; filename="x.pdf"',
      }),
    );
    expect(got.ContentType).toBe('application/octet-stream');
    expect(got.ContentDisposition).toBe('attachment; filename="x.pdf"');
    const plain = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(plain.ContentType).toBe('application/pdf');
  });

  it('accepts a streamed PutObject of known length from a WHEN_REQUIRED client (plain body, no aws-chunked)', async () => {
    const key = newKey('stream.pdf');
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: Readable.from([pdfBytes(300)]),
        ContentLength: 300,
      }),
    );
    expect(events.map((e) => e.key)).toEqual([key]);
  });

  it('rejects an aws-chunked (STREAMING-*) upload clearly with 501 NotImplemented', async () => {
    const key = newKey('chunked.pdf');
    const defaults = new S3Client({
      region: REGION,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const error = await defaults
        .send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: key,
            Body: Readable.from([pdfBytes(300)]),
            ContentLength: 300,
          }),
        )
        .then(
          () => undefined,
          (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => e,
        );
      expect(error?.name).toBe('NotImplemented');
      expect(error?.$metadata.httpStatusCode).toBe(501);
      expect(error?.message).toMatch(/aws-chunked/);
    } finally {
      defaults.destroy();
    }
    await expectNothingStored(key);
  });

  it('rejects a body that differs from the signed x-amz-content-sha256 (400 XAmzContentSHA256Mismatch)', async () => {
    const key = newKey();
    const signed = await signedPut(key, pdfBytes(100, 'declared'));
    const response = await rawRequest(`${s3.endpoint}${signed.path}`, {
      method: 'PUT',
      headers: withoutHost(signed.headers),
      body: pdfBytes(100, 'tampered'),
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('XAmzContentSHA256Mismatch');
    await expectNothingStored(key);
  });

  it('accepts the same hand-signed request when the body matches (the check above can pass)', async () => {
    const key = newKey();
    const body = pdfBytes(100, 'declared');
    const signed = await signedPut(key, body);
    const response = await rawRequest(`${s3.endpoint}${signed.path}`, {
      method: 'PUT',
      headers: withoutHost(signed.headers),
      body,
    });
    expect(response.status).toBe(200);
    expect(events.map((e) => e.key)).toEqual([key]);
  });

  it('rejects a request signed more than 15 minutes ago (403 RequestTimeTooSkewed)', async () => {
    const key = newKey();
    const body = pdfBytes(100);
    const signed = await signedPut(key, body, new Date(Date.now() - 20 * 60 * 1000));
    const response = await rawRequest(`${s3.endpoint}${signed.path}`, {
      method: 'PUT',
      headers: withoutHost(signed.headers),
      body,
    });
    expect(response.status).toBe(403);
    expect(errorCode(response.body)).toBe('RequestTimeTooSkewed');
    await expectNothingStored(key);
  });

  it('rejects a wrong secret (SignatureDoesNotMatch), an unknown key id (InvalidAccessKeyId) and another region', async () => {
    const cases = [
      [
        { credentials: { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' } },
        403,
        'SignatureDoesNotMatch',
      ],
      [{ credentials: { accessKeyId: 'someoneelse', secretAccessKey: 'x' } }, 403, 'InvalidAccessKeyId'],
      [{ region: 'cn-northwest-1' }, 400, 'AuthorizationHeaderMalformed'],
    ] as const;
    for (const [override, status, code] of cases) {
      const other = createS3Client({
        region: REGION,
        endpoint: s3.endpoint,
        credentials: LOCAL_CREDENTIALS,
        ...override,
      });
      const error = await other.send(new ListObjectsV2Command({ Bucket: BUCKET })).then(
        () => undefined,
        (e: { name: string; $metadata: { httpStatusCode?: number } }) => e,
      );
      other.destroy();
      expect([error?.$metadata.httpStatusCode, error?.name]).toEqual([status, code]);
    }
  });

  it('rejects a PutObject over maxObjectBytes with 400 EntityTooLarge', async () => {
    const key = newKey();
    const error = await client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: pdfBytes(MAX_OBJECT_BYTES + 1) }))
      .then(
        () => undefined,
        (e: { name: string; $metadata: { httpStatusCode?: number } }) => e,
      );
    expect([error?.$metadata.httpStatusCode, error?.name]).toEqual([400, 'EntityTooLarge']);
    await expectNothingStored(key);
  });
});

describe('rejected presigned uploads store nothing and emit nothing', () => {
  it('rejects an anonymous PUT (403 AccessDenied)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const response = await fetch(`${s3.endpoint}/${BUCKET}/${encodeURI(key)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body,
    });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('AccessDenied');
    await expectNothingStored(key);
  });

  it('rejects a tampered signature (403 SignatureDoesNotMatch)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const url = new URL(upload.url);
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    url.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    const response = await fetch(url, { method: 'PUT', headers: upload.headers, body });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
    await expectNothingStored(key);
  });

  it('rejects the URL pointed at another key (403 SignatureDoesNotMatch)', async () => {
    const key = newKey('granted.pdf');
    const otherKey = key.replace('granted.pdf', 'other.pdf');
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const url = upload.url.replace('granted.pdf', 'other.pdf');
    const response = await fetch(url, { method: 'PUT', headers: upload.headers, body });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
    await expectNothingStored(key, otherKey);
  });

  it('rejects an expired URL (403 AccessDenied "Request has expired")', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body, { now: new Date(Date.now() - 60_000), expiresInSeconds: 1 });
    const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(errorCode(xml)).toBe('AccessDenied');
    expect(xml).toContain('Request has expired');
    await expectNothingStored(key);
  });

  it('rejects X-Amz-Expires above one week (400 AuthorizationQueryParametersError)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const response = await fetch(upload.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801'), {
      method: 'PUT',
      headers: upload.headers,
      body,
    });
    expect(response.status).toBe(400);
    const xml = await response.text();
    expect(errorCode(xml)).toBe('AuthorizationQueryParametersError');
    expect(xml).toContain('604800');
    await expectNothingStored(key);
  });

  it('rejects another Content-Type than the signed one (403 SignatureDoesNotMatch)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, 'content-type': 'image/png' },
      body,
    });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
    await expectNothingStored(key);
  });

  it('rejects a body of another size sent with a matching Content-Length (403 SignatureDoesNotMatch)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const bigger = pdfBytes(201);
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, 'content-length': String(bigger.length) },
      body: bigger,
    });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
    await expectNothingStored(key);
  });

  it('rejects a body shorter than the signed Content-Length header (400 IncompleteBody)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const response = await rawRequest(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: body.subarray(0, 150),
      halfClose: true,
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('IncompleteBody');
    await expectNothingStored(key);
  });

  it('rejects a body longer than the signed Content-Length header when its first bytes differ (400 BadDigest)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const response = await rawRequest(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: Buffer.concat([pdfBytes(200, 'other'), Buffer.from('trailing bytes')]),
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('BadDigest');
    await expectNothingStored(key);
  });

  it('rejects a body whose SHA-256 differs from x-amz-checksum-sha256 (400 BadDigest)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const forged = Buffer.from(body);
    forged.writeUInt8((forged.readUInt8(150) + 1) % 256, 150);
    const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: forged });
    expect(response.status).toBe(400);
    expect(errorCode(await response.text())).toBe('BadDigest');
    await expectNothingStored(key);
  });

  it('rejects a PUT without the x-amz-checksum-sha256 header (403 SignatureDoesNotMatch)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const { 'x-amz-checksum-sha256': _omitted, ...headers } = upload.headers;
    const response = await fetch(upload.url, { method: 'PUT', headers, body });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
    await expectNothingStored(key);
  });

  it('rejects an added x-amz-* header that is not signed (403 AccessDenied)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { ...upload.headers, 'x-amz-meta-approved': 'yes' },
      body,
    });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(errorCode(xml)).toBe('AccessDenied');
    expect(xml).toContain('x-amz-meta-approved');
    await expectNothingStored(key);
  });

  it('rejects a URL signed with an unknown access key (403 InvalidAccessKeyId)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const stranger = new S3Http({
      region: REGION,
      endpoint: s3.endpoint,
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
    });
    const upload = await presignUpload(stranger, {
      bucket: BUCKET,
      key,
      contentType: 'application/pdf',
      sizeBytes: body.length,
      sha256Hex: sha256Hex(body),
      expiresInSeconds: 60,
    });
    stranger.destroy();
    const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('InvalidAccessKeyId');
    await expectNothingStored(key);
  });

  it('rejects an object over maxObjectBytes (400 EntityTooLarge)', async () => {
    const key = newKey();
    const body = pdfBytes(MAX_OBJECT_BYTES + 1);
    const upload = await presignFor(key, body);
    const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(response.status).toBe(400);
    expect(errorCode(await response.text())).toBe('EntityTooLarge');
    await expectNothingStored(key);
  });

  it('rejects the upload URL used with another method (GET → 403 SignatureDoesNotMatch)', async () => {
    const key = newKey();
    const body = pdfBytes(200);
    const upload = await presignFor(key, body);
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    const response = await fetch(upload.url);
    expect(response.status).toBe(403);
    expect(errorCode(await response.text())).toBe('SignatureDoesNotMatch');
  });
});

describe('rejected downloads', () => {
  let key: string;
  beforeAll(async () => {
    key = newKey('stored.pdf');
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: pdfBytes(64), ContentType: 'application/pdf' }),
    );
  });

  it('refuses an anonymous GET of an existing object and an anonymous listing (403 AccessDenied)', async () => {
    for (const url of [
      `${s3.endpoint}/${BUCKET}/${encodeURI(key)}`,
      `${s3.endpoint}/${BUCKET}`,
      `${s3.endpoint}/`,
    ]) {
      const response = await fetch(url);
      expect(response.status).toBe(403);
      expect(errorCode(await response.text())).toBe('AccessDenied');
    }
  });

  it('refuses an expired download URL and one pointed at another key', async () => {
    const expired = await presignDownload(thin, {
      bucket: BUCKET,
      key,
      expiresInSeconds: 1,
      now: new Date(Date.now() - 60_000),
    });
    const late = await fetch(expired.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');

    const valid = await presignDownload(thin, { bucket: BUCKET, key, expiresInSeconds: 300 });
    expect((await fetch(valid.url)).status).toBe(200);
    const moved = await fetch(valid.url.replace('stored.pdf', 'scan.pdf'));
    expect(moved.status).toBe(403);
    expect(errorCode(await moved.text())).toBe('SignatureDoesNotMatch');
  });
});

describe('lifecycle', () => {
  it('keeps objects in dataDir across restarts and, once closed, leaves no listening port', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relief-s3-restart-'));
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    try {
      const options = { dataDir, credentials: LOCAL_CREDENTIALS, region: REGION, buckets: ['kept'] };
      const first = await startLocalS3(options);
      expect(servers()).toBe(before + 2); // the front and s3rver
      const firstClient = createS3Client({
        region: REGION,
        endpoint: first.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      await firstClient.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a b.txt', Body: 'persisted' }));
      firstClient.destroy();
      await first.close();
      await first.close(); // idempotent
      expect(await isRefused(Number(new URL(first.endpoint).port))).toBe(true);
      expect(servers()).toBe(before);

      const second = await startLocalS3(options);
      const secondClient = new S3Http({
        region: REGION,
        endpoint: second.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      expect((await headObject(secondClient, 'kept', 'a b.txt'))?.sizeBytes).toBe(9);
      secondClient.destroy();
      await second.close();
      expect(await isRefused(Number(new URL(second.endpoint).port))).toBe(true);
      expect(servers()).toBe(before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A PUT signed in the Authorization header with a hex x-amz-content-sha256, as the SDK does over http. */
async function signedPut(key: string, body: Buffer, signingDate = new Date()) {
  const endpoint = new URL(s3.endpoint);
  const signer = new SignatureV4({
    credentials: LOCAL_CREDENTIALS,
    region: REGION,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const pathname = `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const request = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: pathname,
      headers: {
        host: endpoint.host,
        'content-type': 'application/pdf',
        'content-length': String(body.length),
      },
      body,
    }),
    { signingDate },
  );
  expect(request.headers['x-amz-content-sha256']).toBe(sha256Hex(body));
  return { path: pathname, headers: request.headers as Record<string, string> };
}

function withoutHost(headers: Record<string, string>): Record<string, string> {
  const { host: _host, ...rest } = headers;
  return rest;
}
