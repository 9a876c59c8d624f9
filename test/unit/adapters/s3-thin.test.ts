import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Http } from '../../../functions/adapters/s3/client.ts';
import { isNotFound, S3Error } from '../../../functions/adapters/s3/errors.ts';
import { headObject, readObjectSha256 } from '../../../functions/adapters/s3/objects.ts';
import { presignDownload, presignUpload } from '../../../functions/adapters/s3/presign.ts';
import { parseQuery, SigV4Verifier } from '../../../infra/local/s3/sigv4.ts';

/**
 * The thin S3 adapter (functions/adapters/s3/) without a network: its presigned URLs are the ones the
 * SDK's getSignedUrl made (same signed headers, conditions, expiry, endpoint), and the local front's
 * strict SigV4 check accepts them; its requests are signed, retried and mapped to errors as the SDK did.
 */

const CREDENTIALS = { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' };
const SHA = 'a'.repeat(64);
const NOW = new Date('2026-03-01T08:00:00.750Z');
const KEY = "applications/01HTHIN/documents/身份证 (1)!'*.pdf";

function sdkClient(region: string, endpoint?: string) {
  return new S3Client({
    region,
    credentials: CREDENTIALS,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** What today's code (adapters/s3-documents.ts before the thin adapter) handed out for an upload. */
function sdkUploadUrl(client: S3Client, bucket: string, expiresIn = 900) {
  return getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: bucket,
      Key: KEY,
      ContentType: 'application/pdf',
      ContentLength: 4321,
      ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64'),
    }),
    {
      expiresIn,
      signingDate: NOW,
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
}

const upload = (client: S3Http, bucket: string, expiresInSeconds = 900) =>
  presignUpload(client, {
    bucket,
    key: KEY,
    contentType: 'application/pdf',
    sizeBytes: 4321,
    sha256Hex: SHA,
    expiresInSeconds,
    now: NOW,
  });

describe('presigned URLs: the same as getSignedUrl signed', () => {
  it.each([
    ['the local front (path style)', 'us-east-1', 'http://127.0.0.1:4569', 'relief-documents'],
    ['AWS in a global region (virtual host)', 'eu-west-1', undefined, 'relief-documents-1a2b'],
    ['AWS China (amazonaws.com.cn)', 'cn-northwest-1', undefined, 'relief-documents-1a2b'],
    ['a bucket name with dots (path style on AWS)', 'cn-north-1', undefined, 'relief.documents'],
  ])('upload and download URLs for %s', async (_label, region, endpoint, bucket) => {
    const sdk = sdkClient(region, endpoint);
    const thin = new S3Http({ region, credentials: CREDENTIALS, ...(endpoint ? { endpoint } : {}) });
    expect((await upload(thin, bucket)).url).toBe(await sdkUploadUrl(sdk, bucket));
    expect((await upload(thin, bucket, 60)).url).toBe(await sdkUploadUrl(sdk, bucket, 60));
    const download = await presignDownload(thin, { bucket, key: KEY, expiresInSeconds: 300, now: NOW });
    expect(download.url).toBe(
      await getSignedUrl(sdk, new GetObjectCommand({ Bucket: bucket, Key: KEY }), {
        expiresIn: 300,
        signingDate: NOW,
      }),
    );
    sdk.destroy();
  });

  it('addresses China regions under amazonaws.com.cn, others under amazonaws.com', async () => {
    const cn = new S3Http({ region: 'cn-northwest-1', credentials: CREDENTIALS });
    const eu = new S3Http({ region: 'eu-west-1', credentials: CREDENTIALS });
    expect(new URL((await upload(cn, 'docs-1')).url).host).toBe('docs-1.s3.cn-northwest-1.amazonaws.com.cn');
    expect(new URL((await upload(eu, 'docs-1')).url).host).toBe('docs-1.s3.eu-west-1.amazonaws.com');
  });

  it('carries the session token of the environment’s credentials, as Lambda’s role provides them', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIAROLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token/with+chars=',
    });
    try {
      const url = new URL((await upload(new S3Http({ region: 'cn-northwest-1' }), 'docs-1')).url);
      expect(url.searchParams.get('X-Amz-Security-Token')).toBe('token/with+chars=');
      expect(url.searchParams.get('X-Amz-Credential')).toBe(
        'ASIAROLE/20260301/cn-northwest-1/s3/aws4_request',
      );
    } finally {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

describe('presigned URLs under the local front’s SigV4 check', () => {
  const verifier = new SigV4Verifier(CREDENTIALS, 'us-east-1');
  const thin = new S3Http({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4569',
    credentials: CREDENTIALS,
  });

  /** The request a client makes from the URL, with `headers` (lower-case) as sent. */
  function requestOf(method: string, url: string, headers: Record<string, string>) {
    const u = new URL(url);
    return {
      method,
      rawPath: u.pathname,
      query: parseQuery(u.search.slice(1)),
      headers: { host: u.host, ...headers },
    };
  }

  it('accepts the upload with exactly its headers, within its expiry', async () => {
    const signed = await upload(thin, 'relief-documents');
    const ok = await verifier.authenticate(
      requestOf('PUT', signed.url, signed.headers),
      new Date(NOW.getTime() + 899_000),
    );
    expect(ok.signedHeaders).toEqual(['content-length', 'content-type', 'host', 'x-amz-checksum-sha256']);
    expect(ok.payloadHash).toBe('UNSIGNED-PAYLOAD');
  });

  it.each([
    ['another content type', { 'content-type': 'image/png' }],
    ['another length', { 'content-length': '4322' }],
    ['another checksum', { 'x-amz-checksum-sha256': Buffer.from('b'.repeat(64), 'hex').toString('base64') }],
  ])('refuses the upload with %s', async (_label, change) => {
    const signed = await upload(thin, 'relief-documents');
    await expect(
      verifier.authenticate(requestOf('PUT', signed.url, { ...signed.headers, ...change }), NOW),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses the upload once expired, and a download after its 5 minutes', async () => {
    const signed = await upload(thin, 'relief-documents', 60);
    await expect(
      verifier.authenticate(requestOf('PUT', signed.url, signed.headers), new Date(NOW.getTime() + 60_000)),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
    const download = await presignDownload(thin, {
      bucket: 'relief-documents',
      key: KEY,
      expiresInSeconds: 300,
      now: NOW,
    });
    expect(download.expiresAt).toBe('2026-03-01T08:05:00.000Z');
    const get = requestOf('GET', download.url, {});
    await expect(verifier.authenticate(get, new Date(NOW.getTime() + 299_000))).resolves.toMatchObject({
      signedHeaders: ['host'],
    });
    await expect(verifier.authenticate(get, new Date(NOW.getTime() + 300_000))).rejects.toMatchObject({
      code: 'AccessDenied',
    });
  });

  it('refuses a URL signed with other credentials', async () => {
    const other = new S3Http({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'not-the-secret' },
    });
    const signed = await upload(other, 'relief-documents');
    await expect(
      verifier.authenticate(requestOf('PUT', signed.url, signed.headers), NOW),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

/** A scripted S3 stand-in: answers each request with the next of `answers`, checking its signature. */
describe('object requests: signing, retries and errors', () => {
  type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'drop';
  let server: Server;
  let endpoint: string;
  let answers: Answer[] = [];
  const seen: { method: string; url: string; auth: string }[] = [];
  const verifier = new SigV4Verifier(CREDENTIALS, 'us-east-1');

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const u = new URL(req.url ?? '/', 'http://x');
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: 'unchecked' });
      try {
        await verifier.authenticate(
          {
            method: req.method ?? '',
            rawPath: u.pathname,
            query: parseQuery(u.search.slice(1)),
            headers: req.headers,
          },
          new Date(),
        );
        (seen.at(-1) as { auth: string }).auth = 'ok';
      } catch (error) {
        (seen.at(-1) as { auth: string }).auth = (error as { code: string }).code;
      }
      const answer = answers.shift() ?? { status: 500 };
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => {
    answers = [];
    seen.length = 0;
  });

  const client = (maxAttempts?: number) =>
    new S3Http({
      region: 'us-east-1',
      endpoint,
      credentials: CREDENTIALS,
      ...(maxAttempts ? { maxAttempts } : {}),
    });
  const noSuchKey = '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>';

  it('signs HEAD with the Authorization header the front verifies, and reads the head', async () => {
    const checksum = Buffer.from('c'.repeat(64), 'hex').toString('base64');
    answers = [
      {
        status: 200,
        headers: {
          'content-length': '2048',
          'content-type': 'application/pdf',
          etag: '"abc"',
          'last-modified': 'Sun, 01 Mar 2026 08:00:00 GMT',
          'x-amz-checksum-sha256': checksum,
          'x-amz-checksum-type': 'FULL_OBJECT',
        },
      },
    ];
    const head = await headObject(client(), 'b', 'a/身份证 1.pdf', { checksum: true });
    expect(head).toEqual({
      sizeBytes: 2048,
      contentType: 'application/pdf',
      eTag: '"abc"',
      lastModified: new Date('2026-03-01T08:00:00Z'),
      sha256Hex: 'c'.repeat(64),
    });
    expect(seen).toEqual([{ method: 'HEAD', url: '/b/a/%E8%BA%AB%E4%BB%BD%E8%AF%81%201.pdf', auth: 'ok' }]);
  });

  it('reports no SHA-256 for a multipart (composite) checksum', async () => {
    answers = [
      {
        status: 200,
        headers: {
          'content-length': '9',
          'x-amz-checksum-sha256': `${Buffer.from('c'.repeat(64), 'hex').toString('base64')}-3`,
          'x-amz-checksum-type': 'COMPOSITE',
        },
      },
    ];
    expect((await headObject(client(), 'b', 'k', { checksum: true }))?.sha256Hex).toBeUndefined();
  });

  it('streams a GET through SHA-256', async () => {
    answers = [{ status: 200, body: 'hello' }];
    expect(await readObjectSha256(client(), 'b', 'k')).toEqual({
      sha256Hex: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      sizeBytes: 5,
    });
    expect(seen).toEqual([{ method: 'GET', url: '/b/k?x-id=GetObject', auth: 'ok' }]);
  });

  it('maps 404 to not found (HEAD: undefined; GET: NoSuchKey), without retrying', async () => {
    answers = [{ status: 404 }];
    expect(await headObject(client(), 'b', 'k')).toBeUndefined();
    answers = [{ status: 404, body: noSuchKey }];
    const error = await readObjectSha256(client(), 'b', 'k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ name: 'NoSuchKey', message: 'gone', $metadata: { httpStatusCode: 404 } });
    expect(isNotFound(error)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('counts any 404 as not found, whatever S3 names it; a 403 never', () => {
    expect(isNotFound(new S3Error('NoSuchVersion', 'gone', 404))).toBe(true);
    expect(isNotFound(new S3Error('NoSuchBucket', 'gone', 400))).toBe(true);
    expect(isNotFound(new S3Error('AccessDenied', 'no', 403))).toBe(false);
    expect(isNotFound(Object.assign(new Error('x'), { name: 'NoSuchKey' }))).toBe(false);
  });

  it('rethrows 403 (Forbidden on HEAD, AccessDenied on GET) at once, never as not found', async () => {
    answers = [{ status: 403 }];
    const head = await headObject(client(), 'b', 'k').catch((e: unknown) => e);
    expect(head).toMatchObject({ name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
    expect(isNotFound(head)).toBe(false);
    answers = [{ status: 403, body: '<Error><Code>AccessDenied</Code><Message>no</Message></Error>' }];
    await expect(readObjectSha256(client(), 'b', 'k')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(seen).toHaveLength(2);
  });

  it('retries 500, 503 SlowDown and a dropped connection, then succeeds', async () => {
    answers = [
      { status: 503, body: '<Error><Code>SlowDown</Code><Message>slow</Message></Error>' },
      'drop',
      { status: 200, body: 'hello' },
    ];
    expect((await readObjectSha256(client(), 'b', 'k')).sizeBytes).toBe(5);
    expect(seen.map((s) => s.auth)).toEqual(['ok', 'ok', 'ok']);
  });

  it('gives up after 3 attempts with the last error', async () => {
    answers = [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 200 }];
    await expect(headObject(client(), 'b', 'k')).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    answers = [{ status: 400, body: '<Error><Code>InvalidArgument</Code></Error>' }, { status: 200 }];
    await expect(readObjectSha256(client(), 'b', 'k')).rejects.toMatchObject({ name: 'InvalidArgument' });
    expect(seen).toHaveLength(1);
  });
});
