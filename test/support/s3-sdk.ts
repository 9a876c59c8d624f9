import { S3Client } from '@aws-sdk/client-s3';

/**
 * The full SDK S3 client for test set-up and for looking at what landed (PutObject without a
 * presigned URL, raw HeadObject, listings), configured as the functions' client was before the thin
 * adapter (functions/adapters/s3/): path-style on an endpoint, checksums only when required. The
 * functions themselves use `S3Http` (functions/adapters/s3/client.ts).
 */
export function createS3Client(options: {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
