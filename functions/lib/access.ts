/**
 * What a function may touch, declared next to what it does: on each route spec (functions/http/) and
 * task spec (functions/tasks/specs.ts). CDK derives the function's IAM statements and configuration
 * from it (infra/constructs/relief-function.ts, bind*), and test/infra/bundling.test.ts fails when a
 * function's bundle carries a client it has no access for. Pure data: imported by infra at synth time.
 *
 * KMS follows from these: the data key of the table and the bucket (decrypt to read, generate data
 * keys to write) and the key of the insurer secret.
 */
export interface Access {
  /** The table (TABLE_NAME): `read` GetItem/BatchGetItem/Query; `write` also Put/Update/Delete/ConditionCheck (transactions). */
  table?: TableAccess;
  /**
   * The documents bucket (DOCUMENTS_BUCKET), objects under applications/. Presigned URLs are executed
   * with the presigning role's permissions: presigning uploads needs `write`, downloads `read`.
   */
  bucket?: BucketAccess;
  /** The approval state machine (STATE_MACHINE_ARN). */
  workflow?: WorkflowAccess;
  /**
   * The insurer integration (保险公司对接): both directions read the insurer secret (lib/secrets.ts);
   * `receive` verifies inbound callbacks (the webhook route: no court JWT at API Gateway), `send` signs
   * outbound packages and learns INSURER_ENDPOINT (outbound HTTPS, no grant needed), `both` does both.
   */
  insurer?: InsurerAccess;
  /**
   * The sealed audit checkpoints (AUDIT_CHECKPOINT_BUCKET, AUDIT_SIGNING_KEY_ID): create and read
   * checkpoint objects in the Object Lock bucket, sign with the audit key (kms:Sign).
   */
  auditCheckpoints?: 'seal';
}

export type TableAccess = 'read' | 'write';
/**
 * `presign` = both directions. `inspect`: reads stored objects to verify them (HEAD/GET, as `read`)
 * and never presigns, so its bundle carries no presigner (test/infra/bundling.test.ts).
 */
export type BucketAccess = 'read' | 'write' | 'presign' | 'inspect';
/**
 * `start`: StartExecution; `respond`: SendTask{Success,Failure,Heartbeat}; `redrive`: StartExecution
 * + DescribeExecution (on the machine's executions); `heal`: all of them.
 */
export type WorkflowAccess = 'start' | 'respond' | 'start-and-respond' | 'redrive' | 'heal';
/** `both`: a signed insurer call that also sends (re-delivery of a package). */
export type InsurerAccess = 'receive' | 'send' | 'both';
