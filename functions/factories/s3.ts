import * as z from 'zod';
import { S3DocumentStorage } from '../adapters/s3-document-storage.ts';
import { createS3Client } from '../adapters/s3-documents.ts';
import { once, readEnv, required } from '../lib/config.ts';

/**
 * The documents bucket (DocumentStorage over S3). Configured by CDK's `bindBucket` (DOCUMENTS_BUCKET,
 * the URL lifetimes); S3_ENDPOINT only in the local runner.
 */
const Env = z.object({
  AWS_REGION: required(),
  DOCUMENTS_BUCKET: required(),
  S3_ENDPOINT: z.url().optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(300).default(300),
});

export const documentStorage = once(() => {
  const env = readEnv(Env);
  const s3 = createS3Client({
    region: env.AWS_REGION,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
  });
  return new S3DocumentStorage(s3, env.DOCUMENTS_BUCKET, {
    uploadTtlSeconds: env.UPLOAD_URL_TTL_SECONDS,
    downloadTtlSeconds: env.DOWNLOAD_URL_TTL_SECONDS,
  });
});
