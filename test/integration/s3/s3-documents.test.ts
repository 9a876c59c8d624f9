import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Http } from '../../../functions/adapters/s3/client.ts';
import { headObject, readObjectSha256 } from '../../../functions/adapters/s3/objects.ts';
import { presignDownload, presignUpload } from '../../../functions/adapters/s3/presign.ts';
import { type LocalS3, startLocalS3 } from '../../../infra/local/s3/index.ts';
import { createS3Client } from '../../support/s3-sdk.ts';
import { LOCAL_CREDENTIALS, pdfBytes, REGION, sha256Hex } from './support.ts';

const BUCKET = 'relief-documents';
let s3: LocalS3;
/** The full SDK client, for set-up and raw looks at what landed. */
let client: S3Client;
/** The functions' thin client (adapters/s3/). */
let thin: S3Http;

beforeAll(async () => {
  // No dataDir: startLocalS3 uses a temp dir and removes it on close.
  s3 = await startLocalS3({ credentials: LOCAL_CREDENTIALS, region: REGION, buckets: [BUCKET] });
  client = createS3Client({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
  thin = new S3Http({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  client?.destroy();
  thin?.destroy();
  await s3?.close();
});

describe('presignUpload', () => {
  const body = pdfBytes(4321);
  const input = {
    bucket: BUCKET,
    key: 'applications/01HADAPTER/documents/身份证 1.pdf',
    contentType: 'application/pdf',
    sizeBytes: body.length,
    sha256Hex: sha256Hex(body),
    expiresInSeconds: 900,
  };

  it('signs content-length, content-type, host and the checksum as headers, and lists exactly what to send', async () => {
    const now = new Date('2026-03-01T08:00:00.750Z');
    const upload = await presignUpload(thin, { ...input, now });
    const url = new URL(upload.url);
    expect(upload.method).toBe('PUT');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;x-amz-checksum-sha256',
    );
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260301T080000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(upload.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': '4321',
      'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
    });
    expect(upload.expiresAt).toBe('2026-03-01T08:15:00.000Z');
  });

  it('produces a URL the front accepts for those bytes only; upper-case hex is accepted', async () => {
    const upload = await presignUpload(thin, { ...input, sha256Hex: input.sha256Hex.toUpperCase() });
    const ok = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
    expect(ok.status).toBe(200);
    expect(await readObjectSha256(thin, BUCKET, input.key)).toEqual({
      sha256Hex: input.sha256Hex,
      sizeBytes: 4321,
    });
  });

  it.each([
    ['a TTL over 15 minutes', { expiresInSeconds: 901 }],
    ['a zero TTL', { expiresInSeconds: 0 }],
    ['a fractional TTL', { expiresInSeconds: 1.5 }],
    ['a malformed SHA-256', { sha256Hex: 'abc' }],
    ['a negative size', { sizeBytes: -1 }],
    ['a content type with a line break', { contentType: 'application/pdf\r\nx-evil: 1' }],
  ])('refuses %s', async (_label, override) => {
    await expect(presignUpload(thin, { ...input, ...override })).rejects.toThrow(RangeError);
  });
});

describe('presignDownload', () => {
  it('signs a GET valid for at most 5 minutes', async () => {
    const now = new Date('2026-03-01T08:00:00Z');
    const download = await presignDownload(thin, {
      bucket: BUCKET,
      key: 'a.pdf',
      expiresInSeconds: 300,
      now,
    });
    expect(new URL(download.url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(download.expiresAt).toBe('2026-03-01T08:05:00.000Z');
    await expect(
      presignDownload(thin, { bucket: BUCKET, key: 'a.pdf', expiresInSeconds: 301 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('headObject and readObjectSha256', () => {
  it('report size, type and digest of a stored object, including an empty one', async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'empty.png',
        Body: Buffer.alloc(0),
        ContentType: 'image/png',
      }),
    );
    expect(await headObject(thin, BUCKET, 'empty.png')).toMatchObject({
      sizeBytes: 0,
      contentType: 'image/png',
    });
    expect(await readObjectSha256(thin, BUCKET, 'empty.png')).toEqual({
      sha256Hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      sizeBytes: 0,
    });
  });

  it('headObject with checksum reports the SHA-256 verified at upload, as S3 keeps it; none without one', async () => {
    const body = pdfBytes(2048, 'checksum');
    const upload = await presignUpload(thin, {
      bucket: BUCKET,
      key: 'checksummed.pdf',
      contentType: 'application/pdf',
      sizeBytes: body.length,
      sha256Hex: sha256Hex(body),
      expiresInSeconds: 60,
    });
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body })).status).toBe(200);
    const head = await headObject(thin, BUCKET, 'checksummed.pdf', { checksum: true });
    expect(head).toMatchObject({ sizeBytes: 2048, sha256Hex: sha256Hex(body) });
    // Only when asked for, and the front's own bookkeeping never shows as user metadata.
    expect((await headObject(thin, BUCKET, 'checksummed.pdf'))?.sha256Hex).toBeUndefined();
    const raw = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'checksummed.pdf' }));
    expect(raw.Metadata).toEqual({});
    // A later PUT without a checksum leaves none (the caller must then read and hash the object).
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'checksummed.pdf', Body: body }));
    expect(
      (await headObject(thin, BUCKET, 'checksummed.pdf', { checksum: true }))?.sha256Hex,
    ).toBeUndefined();
  });

  it('a client cannot plant a stored checksum through user metadata', async () => {
    const body = pdfBytes(100, 'planted');
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'planted.pdf',
        Body: body,
        Metadata: { 'relief-local-checksum-sha256': createHash('sha256').update('other').digest('base64') },
      }),
    );
    expect((await headObject(thin, BUCKET, 'planted.pdf', { checksum: true }))?.sha256Hex).toBeUndefined();
  });

  it('headObject is undefined for a missing object; readObjectSha256 throws NoSuchKey', async () => {
    expect(await headObject(thin, BUCKET, 'missing.pdf')).toBeUndefined();
    await expect(readObjectSha256(thin, BUCKET, 'missing.pdf')).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('headObject rethrows errors other than not-found', async () => {
    const stranger = new S3Http({
      region: REGION,
      endpoint: s3.endpoint,
      credentials: { accessKeyId: 'stranger', secretAccessKey: 'x' },
    });
    await expect(headObject(stranger, BUCKET, 'missing.pdf')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    stranger.destroy();
  });
});
