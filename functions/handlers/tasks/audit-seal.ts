import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditChainStore } from '../../adapters/dynamo-audit-chains.ts';
import { KmsCheckpointSigner } from '../../adapters/kms-checkpoint-signer.ts';
import { LocalCheckpointSigner, LocalCheckpointStore } from '../../adapters/local-checkpoints.ts';
import { S3CheckpointStore } from '../../adapters/s3-checkpoint-store.ts';
import { ConfigError, config } from '../../lib/config.ts';
import { logger } from '../../lib/logger.ts';
import { type SealDeps, type SealResult, sealAuditTrail as seal } from '../../usecases/audit-seal.ts';

let built: SealDeps | undefined;

/** The sealer's own small composition: the table, and KMS + the checkpoint bucket (or their local stand-ins). */
function sealDeps(): SealDeps {
  if (built) return built;
  const cfg = config();
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: cfg.AWS_REGION,
      ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}),
      maxAttempts: 5,
    }),
  );
  const chains = new DynamoAuditChainStore(doc, cfg.TABLE_NAME);
  const now = () => new Date();
  if (cfg.AUDIT_LOCAL_DIR) {
    built = {
      chains,
      checkpoints: new LocalCheckpointStore(cfg.AUDIT_LOCAL_DIR),
      signer: new LocalCheckpointSigner(cfg.AUDIT_LOCAL_DIR),
      now,
    };
    return built;
  }
  if (!cfg.AUDIT_CHECKPOINT_BUCKET || !cfg.AUDIT_SIGNING_KEY_ID) {
    throw new ConfigError(
      'Invalid configuration: AUDIT_CHECKPOINT_BUCKET and AUDIT_SIGNING_KEY_ID (or AUDIT_LOCAL_DIR) must be set',
    );
  }
  built = {
    chains,
    checkpoints: new S3CheckpointStore(new S3Client({ region: cfg.AWS_REGION }), cfg.AUDIT_CHECKPOINT_BUCKET),
    signer: new KmsCheckpointSigner(new KMSClient({ region: cfg.AWS_REGION }), cfg.AUDIT_SIGNING_KEY_ID),
    now,
  };
  return built;
}

/**
 * Scheduled (EventBridge, every `auditSealEveryMinutes`; the local runner every minute): seals the heads
 * of the audit chains changed since the last seal into the next signed checkpoint.
 */
export async function sealAuditTrail(): Promise<SealResult> {
  const result = await seal(sealDeps());
  if (result.refused.length > 0) {
    // Counted by a metric filter and alarmed (infra/stacks/access.ts SEAL_REFUSED_MESSAGE).
    logger.error('audit.seal.refused', { refused: result.refused });
  }
  if (result.checkpoint) logger.info('audit.sealed', { checkpoint: result.checkpoint });
  return result;
}
