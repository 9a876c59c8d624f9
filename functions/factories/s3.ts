import * as z from 'zod/mini';
import { S3Http } from '../adapters/s3/client.ts';
import { S3DocumentStorage } from '../adapters/s3/document-storage.ts';
import { once, readEnv, required } from '../lib/config.ts';

/**
 * The documents bucket (DocumentStorage over the thin S3 client, adapters/s3/). Configured by CDK's
 * `bindBucket` (DOCUMENTS_BUCKET, the URL lifetimes); S3_ENDPOINT only in the local runner.
 */
const Env = z.object({
  AWS_REGION: required(),
  DOCUMENTS_BUCKET: required(),
  S3_ENDPOINT: z.optional(z.url()),
  UPLOAD_URL_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60), z.maximum(900)), 900),
  DOWNLOAD_URL_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(30), z.maximum(300)), 300),
});

export const documentStorage = /* @__PURE__ */ once(() => {
  const env = readEnv(Env);
  const s3 = new S3Http({
    region: env.AWS_REGION,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
  });
  return new S3DocumentStorage(s3, env.DOCUMENTS_BUCKET, {
    uploadTtlSeconds: env.UPLOAD_URL_TTL_SECONDS,
    downloadTtlSeconds: env.DOWNLOAD_URL_TTL_SECONDS,
  });
});
