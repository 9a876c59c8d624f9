import type { S3Client } from '@aws-sdk/client-s3';
import type { DocumentStorage } from '../ports/campaigns.ts';
import { headObject, isNotFound, presignDownload, presignUpload, readObjectSha256 } from './s3-documents.ts';

/** The DocumentStorage port over S3 (real or the local strict front). */
export class S3DocumentStorage implements DocumentStorage {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly ttl: { uploadTtlSeconds: number; downloadTtlSeconds: number },
  ) {}

  presignUpload(input: { key: string; contentType: string; sizeBytes: number; sha256Hex: string }) {
    return presignUpload(this.client, {
      bucket: this.bucket,
      key: input.key,
      contentType: input.contentType,
      sizeBytes: input.sizeBytes,
      sha256Hex: input.sha256Hex,
      expiresInSeconds: this.ttl.uploadTtlSeconds,
    });
  }

  presignDownload(key: string) {
    return presignDownload(this.client, {
      bucket: this.bucket,
      key,
      expiresInSeconds: this.ttl.downloadTtlSeconds,
    });
  }

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
