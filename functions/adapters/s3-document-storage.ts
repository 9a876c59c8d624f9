import type { S3Client } from '@aws-sdk/client-s3';
import type { DocumentStorage } from '../ports/campaigns.ts';
import { presignDownload, presignUpload } from './s3-documents.ts';
import { S3ObjectInspector } from './s3-object-inspector.ts';

/** The DocumentStorage port over S3 (real or the local strict front): presigned URLs and inspection. */
export class S3DocumentStorage extends S3ObjectInspector implements DocumentStorage {
  constructor(
    client: S3Client,
    bucket: string,
    private readonly ttl: { uploadTtlSeconds: number; downloadTtlSeconds: number },
  ) {
    super(client, bucket);
  }

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
}
