import type { DocumentStorage } from '../../ports/campaigns.ts';
import type { S3Http } from './client.ts';
import { S3ObjectInspector } from './object-inspector.ts';
import { presignDownload, presignUpload } from './presign.ts';

/** The DocumentStorage port over S3 (real or the local strict front): presigned URLs and inspection. */
export class S3DocumentStorage extends S3ObjectInspector implements DocumentStorage {
  constructor(
    client: S3Http,
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
