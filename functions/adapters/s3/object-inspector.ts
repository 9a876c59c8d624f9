import type { ObjectInspector } from '../../ports/campaigns.ts';
import type { S3Http } from './client.ts';
import { isNotFound } from './errors.ts';
import { headObject, readObjectSha256 } from './objects.ts';

/** The stored object's size and SHA-256 over S3, without presigning (the check-only entries). */
export class S3ObjectInspector implements ObjectInspector {
  constructor(
    protected readonly client: S3Http,
    protected readonly bucket: string,
  ) {}

  /**
   * The stored object's size and SHA-256: the checksum S3 verified at upload when it has one
   * (HeadObject, ChecksumMode ENABLED), otherwise by reading and hashing the object.
   */
  async inspect(key: string) {
    const head = await headObject(this.client, this.bucket, key, { checksum: true });
    if (!head) return undefined;
    if (head.sha256Hex) {
      return { sizeBytes: head.sizeBytes, sha256Hex: head.sha256Hex, contentType: head.contentType };
    }
    try {
      const { sha256Hex, sizeBytes } = await readObjectSha256(this.client, this.bucket, key);
      return { sizeBytes, sha256Hex, contentType: head.contentType };
    } catch (error) {
      if (isNotFound(error)) return undefined; // deleted between the two reads
      throw error;
    }
  }
}
