import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditCheckpointsProps {
  /** Physical bucket name, fixed so the stateless stack names it without a cross-stack reference. */
  bucketName: string;
  /** Days each checkpoint is locked in compliance mode (cannot be shortened, nor the object deleted, by anyone). */
  retentionDays: number;
  /** Server access logs go here (an SSE-S3 bucket). */
  accessLogsBucket: s3.IBucket;
}

/**
 * Where the audit trail is sealed beyond the table's reach (全程留痕): the asymmetric key that signs the
 * checkpoints and the bucket that keeps them.
 *
 * - The key (ECC_NIST_P256, SIGN_VERIFY): its private half never leaves KMS; only the sealer function is
 *   granted kms:Sign (stateless stack). KMS does not rotate asymmetric keys: a replacement key is a new
 *   key id, recorded in each later checkpoint, and old checkpoints keep verifying with the old public key.
 * - The bucket: S3 Object Lock in COMPLIANCE mode with a default retention, so no version of a checkpoint
 *   can be overwritten or deleted before it expires — not by the table's administrators, not by the
 *   account's root user. SSE-S3 rather than the data key: checkpoints hold hashes and ids, no personal
 *   data, and must stay readable whatever happens to the data key.
 */
export class AuditCheckpoints extends Construct {
  readonly signingKey: kms.Key;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditCheckpointsProps) {
    super(scope, id);
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description:
        'relief: signs sealed audit checkpoints (ECDSA P-256, SHA-256); kms:Sign for the sealer only',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'audit-checkpoints/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
