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
  /**
   * The table (TABLE_NAME), by key family: the partitions the function reads and writes, and the indexes
   * it queries. CDK limits each grant with `dynamodb:LeadingKeys` to those partitions; the local runner
   * refuses any other key (infra/local/access-guard.ts), so the e2e tier fails when a use case starts
   * touching a partition its spec does not name.
   */
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
  /**
   * The document renderer the route hands its model to (functions/tasks/render-specs.ts, trigger
   * `invoke`): lambda:InvokeFunction on exactly that function, its name in `rendererEnv(name)`. The
   * renderers bundle docx or exceljs and no AWS client, so the routes that read the table bundle neither.
   */
  render?: RendererName;
}

/** The renderer functions (functions/tasks/render-specs.ts), by task name. */
export type RendererName = 'renderRulingDocx' | 'renderReportDocx' | 'renderReportXlsx';

/** The variable that names a renderer's function to the routes that call it: RENDER_RULING_DOCX_FUNCTION. */
export function rendererEnv(name: RendererName): string {
  return `${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_FUNCTION`;
}

/**
 * The table's partition-key families (infra/table-design.ts), each with the `dynamodb:LeadingKeys`
 * patterns (IAM StringLike: `*` any characters) that match its partition keys and no other family's.
 */
export const KEY_FAMILIES = {
  /** APP#<id>: the application, its audit entries, documents and outbox items. */
  APP: ['APP#*'],
  /** DUP#<case>#<person>: the system-wide duplicate lock. */
  DUP: ['DUP#*'],
  /** IDEMP#<digest>: idempotency records. */
  IDEMP: ['IDEMP#*'],
  /** REPORT#<campaign>: report counters and distinct markers. */
  REPORT: ['REPORT#*'],
  /** QUOTA#<campaign>: the quota ledger rows. */
  QUOTA: ['QUOTA#*'],
  /** QUOTA_AUDIT#<campaign>#<highCourt>: a quota's allocation trail. */
  QUOTA_AUDIT: ['QUOTA_AUDIT#*'],
  /** CAMPAIGNS: the campaign rows. */
  CAMPAIGNS: ['CAMPAIGNS'],
  /** CAMPAIGN_AUDIT#<campaign>: a campaign's settings trail. */
  CAMPAIGN_AUDIT: ['CAMPAIGN_AUDIT#*'],
  /** CAMPAIGN_APPROVALS#<campaign>: approvals counted against a campaign's limits. */
  CAMPAIGN_APPROVALS: ['CAMPAIGN_APPROVALS#*'],
  /** COURTS: the court registry. */
  COURTS: ['COURTS'],
  /** COURTS#AUDIT: the registry's trail. */
  COURTS_AUDIT: ['COURTS#AUDIT'],
  /** FUND#<campaign>: the relief fund's ledger. */
  FUND: ['FUND#*'],
  /** INSURER_EVENT#<id>: insurer callbacks already applied. */
  INSURER_EVENT: ['INSURER_EVENT#*'],
  /** RECON#<campaign>: reconciliations with the insurer. */
  RECON: ['RECON#*'],
  /** SEALQ#<shard>: audit chains changed since their last seal. */
  SEALQ: ['SEALQ#*'],
  /** SWEEP#<name>: a sweep's last run. */
  SWEEP: ['SWEEP#*'],
} as const satisfies Record<string, readonly string[]>;

export type KeyFamily = keyof typeof KEY_FAMILIES;

/** The table's indexes (infra/table-design.ts; test/infra asserts the two lists agree). */
export const TABLE_INDEXES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'due'] as const;
export type TableIndex = (typeof TABLE_INDEXES)[number];

export interface TableAccess {
  /** Partitions read: GetItem, BatchGetItem, Query on the table, ConditionCheckItem (a transaction's check). */
  read?: readonly KeyFamily[];
  /** Partitions written: PutItem, UpdateItem, DeleteItem, BatchWriteItem; a written family is readable too. */
  write?: readonly KeyFamily[];
  /**
   * Indexes queried (Query only). `dynamodb:LeadingKeys` names the table's partition key, so index reads
   * get their own statement on exactly these index ARNs, without the condition (read-only).
   */
  indexes?: readonly TableIndex[];
}

/** The family a partition key belongs to, by the same patterns IAM applies (StringLike). */
export function keyFamilyOf(pk: string): KeyFamily | undefined {
  for (const [family, patterns] of Object.entries(KEY_FAMILIES)) {
    if (patterns.some((p) => stringLike(p, pk))) return family as KeyFamily;
  }
  return undefined;
}

/** Each pattern compiled once: the local runner's access guard matches every DynamoDB request item. */
const compiledPatterns = new Map<string, RegExp>();

/** IAM StringLike: `*` any run of characters, `?` one character, everything else literal. */
export function stringLike(pattern: string, value: string): boolean {
  let re = compiledPatterns.get(pattern);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, 's');
    compiledPatterns.set(pattern, re);
  }
  return re.test(value);
}

/** The families a table access may read (read and write families). */
export function readableFamilies(access: TableAccess): KeyFamily[] {
  return [...new Set([...(access.read ?? []), ...(access.write ?? [])])].sort();
}
/**
 * `presign` = both directions. `inspect`: reads stored objects to verify them (HEAD/GET, as `read`)
 * and never presigns, so its bundle carries no presigning code, adapters/s3/presign.ts (test/infra/bundling.test.ts).
 */
export type BucketAccess = 'read' | 'write' | 'presign' | 'inspect';
/**
 * `start`: StartExecution; `respond`: SendTask{Success,Failure,Heartbeat}; `redrive`: StartExecution
 * + DescribeExecution (on the machine's executions); `heal`: all of them.
 */
export type WorkflowAccess = 'start' | 'respond' | 'start-and-respond' | 'redrive' | 'heal';
/** `both`: a signed insurer call that also sends (re-delivery of a package). */
export type InsurerAccess = 'receive' | 'send' | 'both';
