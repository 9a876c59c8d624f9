import { createHash } from 'node:crypto';
import type { S3Http } from './client.ts';
import { isNotFound } from './errors.ts';

/**
 * Object reads over the thin client (adapters/s3/client.ts): what the ObjectCreated handler, the
 * re-drive sweep and the dispatch use to confirm that what landed is what was declared.
 */

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

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * HeadObject; undefined when the object does not exist. With `checksum`, asks for the stored
 * checksum (`x-amz-checksum-mode: ENABLED`) and reports a full-object SHA-256 when S3 has one.
 */
export async function headObject(
  client: S3Http,
  bucket: string,
  key: string,
  opts: { checksum?: boolean } = {},
): Promise<ObjectHead | undefined> {
  try {
    const response = await client.send({
      method: 'HEAD',
      bucket,
      key,
      ...(opts.checksum ? { headers: { 'x-amz-checksum-mode': 'ENABLED' } } : {}),
    });
    response.body?.resume?.();
    const h = (name: string) => one(response.headers[name]);
    const checksum = h('x-amz-checksum-sha256');
    const checksumType = h('x-amz-checksum-type');
    const length = h('content-length');
    const modified = h('last-modified');
    // A multipart object's checksum is a checksum of part checksums ("…-3"): not the file's SHA-256.
    const fullObject = checksumType === undefined || checksumType === 'FULL_OBJECT';
    const digest = checksum ? Buffer.from(checksum, 'base64') : undefined;
    return {
      sizeBytes: length === undefined ? 0 : Number(length),
      contentType: h('content-type'),
      eTag: h('etag'),
      lastModified: modified === undefined ? undefined : new Date(modified),
      ...(fullObject && digest?.length === 32 && !checksum?.includes('-')
        ? { sha256Hex: digest.toString('hex') }
        : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Streams the object (GetObject) through SHA-256: its real digest (lowercase hex) and size in bytes. */
export async function readObjectSha256(
  client: S3Http,
  bucket: string,
  key: string,
): Promise<{ sha256Hex: string; sizeBytes: number }> {
  const response = await client.send({ method: 'GET', bucket, key, query: { 'x-id': 'GetObject' } });
  const hash = createHash('sha256');
  let sizeBytes = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
    }
  }
  return { sha256Hex: hash.digest('hex'), sizeBytes };
}
