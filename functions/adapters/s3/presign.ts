import type { S3Http } from './client.ts';

/**
 * Presigned URLs for application documents (申请材料): uploads that accept exactly one declared
 * object, short downloads. Signed as the SDK's getSignedUrl signed them (test/unit/adapters/s3-thin.test.ts
 * compares the two URLs byte for byte); the same code runs against real S3 and the local strict front.
 */

/** Longest presigned upload we hand out (API contract: 15 minutes or less). */
export const MAX_UPLOAD_TTL_SECONDS = 900;
/** Longest presigned download we hand out (API contract: 5 minutes or less). */
export const MAX_DOWNLOAD_TTL_SECONDS = 300;

/** Exactly the headers a presigned upload signs besides `host`, in SigV4's sorted order. */
const UPLOAD_SIGNED_HEADERS = 'content-length;content-type;host;x-amz-checksum-sha256';

export interface PresignUploadInput {
  bucket: string;
  key: string;
  contentType: string;
  sizeBytes: number;
  /** SHA-256 of the exact bytes to upload, lowercase or uppercase hex. */
  sha256Hex: string;
  /** 1..900. */
  expiresInSeconds: number;
  /** Signing time (defaults to now). */
  now?: Date;
}

export interface PresignedUpload {
  method: 'PUT';
  url: string;
  /** Send exactly these headers with the PUT (they are signed; any other value fails). */
  headers: Record<string, string>;
  /** ISO-8601; the URL stops working after this instant. */
  expiresAt: string;
}

export interface PresignedDownload {
  url: string;
  expiresAt: string;
}

/**
 * A presigned PUT that S3 accepts only with this Content-Length, Content-Type and
 * `x-amz-checksum-sha256` (all signed headers, none hoisted into the query), and only if the body's
 * SHA-256 equals the declared one (S3 verifies the checksum header against the body: 400 BadDigest).
 */
export async function presignUpload(client: S3Http, input: PresignUploadInput): Promise<PresignedUpload> {
  assertTtl(input.expiresInSeconds, MAX_UPLOAD_TTL_SECONDS);
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes < 0) {
    throw new RangeError(`sizeBytes must be a non-negative integer, got ${input.sizeBytes}`);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(input.sha256Hex)) throw new RangeError('sha256Hex must be 64 hex characters');
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(input.contentType)) {
    throw new RangeError('contentType must be printable ASCII');
  }
  const signingDate = input.now ?? new Date();
  const headers = {
    'content-type': input.contentType,
    'content-length': String(input.sizeBytes),
    'x-amz-checksum-sha256': Buffer.from(input.sha256Hex, 'hex').toString('base64'),
  };
  const url = await client.presign(
    { method: 'PUT', bucket: input.bucket, key: input.key, headers, query: { 'x-id': 'PutObject' } },
    {
      expiresIn: input.expiresInSeconds,
      signingDate,
      // Presigned URLs leave content-type unsigned by default and hoist x-amz-* headers into the
      // query, where S3 would not hold the body to them.
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
  const signed = new URL(url).searchParams.get('X-Amz-SignedHeaders');
  if (signed !== UPLOAD_SIGNED_HEADERS) {
    // A client sending only `headers` would always fail; say why instead of handing out such a URL.
    throw new Error(`presigned upload signs "${signed}", expected "${UPLOAD_SIGNED_HEADERS}"`);
  }
  return { method: 'PUT', url, headers, expiresAt: expiresAt(signingDate, input.expiresInSeconds) };
}

export async function presignDownload(
  client: S3Http,
  input: { bucket: string; key: string; expiresInSeconds: number; now?: Date },
): Promise<PresignedDownload> {
  assertTtl(input.expiresInSeconds, MAX_DOWNLOAD_TTL_SECONDS);
  const signingDate = input.now ?? new Date();
  const url = await client.presign(
    { method: 'GET', bucket: input.bucket, key: input.key, query: { 'x-id': 'GetObject' } },
    { expiresIn: input.expiresInSeconds, signingDate },
  );
  return { url, expiresAt: expiresAt(signingDate, input.expiresInSeconds) };
}

function assertTtl(seconds: number, max: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > max) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${max}, got ${seconds}`);
  }
}

/** X-Amz-Date has whole seconds: the URL expires at the truncated signing time plus the TTL. */
function expiresAt(signingDate: Date, seconds: number): string {
  return new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + seconds * 1000).toISOString();
}
