import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { KmsCheckpointSigner } from '../adapters/kms/checkpoint-signer.ts';
import { LocalCheckpointSigner, LocalCheckpointStore } from '../adapters/local/checkpoints.ts';
import { S3CheckpointStore } from '../adapters/s3/checkpoint-store.ts';
import { once, readEnv, required } from '../lib/config.ts';

/**
 * The sealed audit checkpoints: the Object Lock bucket and the KMS signing key (CDK's
 * `bindAuditCheckpoints`: AUDIT_CHECKPOINT_BUCKET, AUDIT_SIGNING_KEY_ID), or their local stand-ins in
 * AUDIT_LOCAL_DIR (the local runner). One of the two is required.
 */
const Env = z.union([
  z.object({ AUDIT_LOCAL_DIR: required() }),
  z.object({
    AWS_REGION: required(),
    AUDIT_CHECKPOINT_BUCKET: required(),
    AUDIT_SIGNING_KEY_ID: required(),
  }),
]);

export const checkpoints = /* @__PURE__ */ once(() => {
  const env = readEnv(Env);
  if ('AUDIT_LOCAL_DIR' in env) {
    return {
      checkpoints: new LocalCheckpointStore(env.AUDIT_LOCAL_DIR),
      signer: new LocalCheckpointSigner(env.AUDIT_LOCAL_DIR),
    };
  }
  return {
    checkpoints: new S3CheckpointStore(new S3Client({ region: env.AWS_REGION }), env.AUDIT_CHECKPOINT_BUCKET),
    signer: new KmsCheckpointSigner(new KMSClient({ region: env.AWS_REGION }), env.AUDIT_SIGNING_KEY_ID),
  };
});
