import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * S3 access for application documents (申请材料): presigned uploads that accept exactly one declared
 * object, short presigned downloads, and the reads the ObjectCreated handler uses to confirm that
 * what landed is what was declared. The same code runs against real S3 and the local strict front.
 */

/** Longest presigned upload we hand out (API contract: 15 minutes or less). */
export const MAX_UPLOAD_TTL_SECONDS = 900;
/** Longest presigned download we hand out (API contract: 5 minutes or less). */
export const MAX_DOWNLOAD_TTL_SECONDS = 300;

/** Exactly the headers a presigned upload signs besides `host`, in SigV4's sorted order. */
const UPLOAD_SIGNED_HEADERS = 'content-length;content-type;host;x-amz-checksum-sha256';

export interface S3ClientOptions {
  region: string;
  /** Set for the local front (or any S3-compatible endpoint); path-style addressing is then used. */
  endpoint?: string;
  /** Static credentials; without them the SDK's default provider chain applies (Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Without these the SDK adds a CRC32 of the (empty) presign-time body to presigned PUTs, which
    // S3 then rejects, and validates checksums S3 does not always send.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

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
export async function presignUpload(client: S3Client, input: PresignUploadInput): Promise<PresignedUpload> {
  assertTtl(input.expiresInSeconds, MAX_UPLOAD_TTL_SECONDS);
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes < 0) {
    throw new RangeError(`sizeBytes must be a non-negative integer, got ${input.sizeBytes}`);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(input.sha256Hex)) throw new RangeError('sha256Hex must be 64 hex characters');
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(input.contentType)) {
    throw new RangeError('contentType must be printable ASCII');
  }
  const signingDate = input.now ?? new Date();
  const checksumSha256 = Buffer.from(input.sha256Hex, 'hex').toString('base64');
  const url = await getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      ContentType: input.contentType,
      ContentLength: input.sizeBytes,
      ChecksumSHA256: checksumSha256,
    }),
    {
      expiresIn: input.expiresInSeconds,
      signingDate,
      // The presigner leaves content-type unsigned by default and hoists x-amz-* headers into the
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
  return {
    method: 'PUT',
    url,
    headers: {
      'content-type': input.contentType,
      'content-length': String(input.sizeBytes),
      'x-amz-checksum-sha256': checksumSha256,
    },
    expiresAt: expiresAt(signingDate, input.expiresInSeconds),
  };
}

export async function presignDownload(
  client: S3Client,
  input: { bucket: string; key: string; expiresInSeconds: number; now?: Date },
): Promise<PresignedDownload> {
  assertTtl(input.expiresInSeconds, MAX_DOWNLOAD_TTL_SECONDS);
  const signingDate = input.now ?? new Date();
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: input.bucket, Key: input.key }), {
    expiresIn: input.expiresInSeconds,
    signingDate,
  });
  return { url, expiresAt: expiresAt(signingDate, input.expiresInSeconds) };
}

export interface ObjectHead {
  sizeBytes: number;
  contentType: string | undefined;
  eTag: string | undefined;
  lastModified: Date | undefined;
  /**
   * The SHA-256 S3 computed and verified when the object was stored (lowercase hex), present only
   * when it was uploaded with `x-amz-checksum-sha256` as one part and asked for with ChecksumMode.
   */
  sha256Hex?: string;
}

/**
 * HeadObject; undefined when the object does not exist. With `checksum`, asks for the stored
 * checksum (ChecksumMode ENABLED) and reports a full-object SHA-256 when S3 has one.
 */
export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
  opts: { checksum?: boolean } = {},
): Promise<ObjectHead | undefined> {
  try {
    const out = await client.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(opts.checksum ? { ChecksumMode: 'ENABLED' as const } : {}),
      }),
    );
    // A multipart object's checksum is a checksum of part checksums ("…-3"): not the file's SHA-256.
    const fullObject = out.ChecksumType === undefined || out.ChecksumType === 'FULL_OBJECT';
    const digest = out.ChecksumSHA256 ? Buffer.from(out.ChecksumSHA256, 'base64') : undefined;
    return {
      sizeBytes: out.ContentLength ?? 0,
      contentType: out.ContentType,
      eTag: out.ETag,
      lastModified: out.LastModified,
      ...(fullObject && digest?.length === 32 && !out.ChecksumSHA256?.includes('-')
        ? { sha256Hex: digest.toString('hex') }
        : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Streams the object through SHA-256: its real digest (lowercase hex) and size in bytes. */
export async function readObjectSha256(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ sha256Hex: string; sizeBytes: number }> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let sizeBytes = 0;
  if (out.Body) {
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
    }
  }
  return { sha256Hex: hash.digest('hex'), sizeBytes };
}

/** Creates the bucket unless it exists (idempotent). */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou') return;
    throw error;
  }
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

export function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return (
    error.name === 'NotFound' ||
    error.name === 'NoSuchKey' ||
    error.name === 'NoSuchBucket' ||
    error.$metadata.httpStatusCode === 404
  );
}
