import * as z from 'zod/mini';
import { S3Http } from '../adapters/s3/client.ts';
import { S3ObjectInspector } from '../adapters/s3/object-inspector.ts';
import { once, readEnv, required } from '../lib/config.ts';

/**
 * The documents bucket for the check-only entries (`bucket: 'inspect'`: the ObjectCreated handler and
 * the re-drive sweep): HEAD/GET to confirm a stored object, no presigned URLs, so no presigning code in
 * their bundles. Configured like factories/s3.ts (DOCUMENTS_BUCKET; S3_ENDPOINT only locally).
 */
const Env = z.object({
  AWS_REGION: required(),
  DOCUMENTS_BUCKET: required(),
  S3_ENDPOINT: z.optional(z.url()),
});

export const objectInspector = /* @__PURE__ */ once(() => {
  const env = readEnv(Env);
  const s3 = new S3Http({
    region: env.AWS_REGION,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
  });
  return new S3ObjectInspector(s3, env.DOCUMENTS_BUCKET);
});
