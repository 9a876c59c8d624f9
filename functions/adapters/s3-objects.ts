import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/**
 * S3 object reads and the client, without the presigner (adapters/s3-documents.ts presigns): what
 * the ObjectCreated handler and the re-drive sweep use to confirm that what landed is what was
 * declared, so that their bundles carry no presigner.
 */

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
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return (
    error.name === 'NotFound' ||
    error.name === 'NoSuchKey' ||
    error.name === 'NoSuchBucket' ||
    error.$metadata.httpStatusCode === 404
  );
}
