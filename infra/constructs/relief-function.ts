import path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type BucketAccess,
  KEY_FAMILIES,
  type RendererName,
  readableFamilies,
  rendererEnv,
  type TableAccess,
  type WorkflowAccess,
} from '../../functions/lib/access.ts';
import { TABLE_DESIGN } from '../table-design.ts';

/**
 * The one Lambda construct (style §7). It carries the defaults every function shares (Node 22,
 * ARM64, ESM bundle built by the local esbuild, its own log group and least-privilege role, X-Ray
 * where the partition offers it) and the `bind*()` helpers that set a configuration variable and
 * the matching IAM statements together, so a function gets exactly the access it uses.
 */

/** The access vocabulary is the specs' (functions/lib/access.ts): what a spec declares is what is bound here. */
export type { BucketAccess, TableAccess, WorkflowAccess };

/** `esbuild` bundles the handler module; `stub` deploys nothing runnable and exists for fast assertion tests. */
export type CodeMode = 'esbuild' | 'stub';

export interface ReliefFunctionProps {
  /** Absolute path of the entry module (functions/entries/…, TypeScript, bundled by esbuild). */
  entry: string;
  /** The handler's export in the module: `handler`. */
  exportPath: string;
  description: string;
  /** Repository root: project root for bundling, lock file and tsconfig. */
  projectRoot: string;
  logRetention: logs.RetentionDays;
  /** X-Ray active tracing; pass false in partitions without Lambda X-Ray (aws-cn). */
  tracing: boolean;
  code: CodeMode;
  environment?: Record<string, string>;
  /** @default 10 seconds (API Gateway gives up after 30) */
  timeout?: Duration;
  /** @default 512 */
  memorySize?: number;
}

/** ESM bundles run CommonJS dependencies that call `require` (e.g. Node built-ins) through this shim. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __reliefCreateRequire } from 'node:module'; const require = __reliefCreateRequire(import.meta.url);";

/**
 * Lambda bundles read AWS credentials from the environment only (functions/factories/lambda-credentials.ts
 * stands in for the SDK's default provider chain, which would find them there first anyway).
 */
export const CREDENTIALS_SHIM = 'functions/factories/lambda-credentials.ts';

/**
 * Lambda bundles carry no event-stream codec (functions/factories/no-event-streams.ts): no operation
 * calls one, and the SDK's dynamic import of it made esbuild wrap ~157 @smithy/core modules in lazy
 * initialisers (~21 KB and ~8 ms CPU of every SDK bundle's fresh import).
 */
export const EVENT_STREAMS_SHIM = 'functions/factories/no-event-streams.ts';

/** The packages every bundle replaces, and with what (esbuild `alias`). */
function aliases(projectRoot: string): Record<string, string> {
  return {
    '@aws-sdk/credential-provider-node': path.join(projectRoot, CREDENTIALS_SHIM),
    '@smithy/core/event-streams': path.join(projectRoot, EVENT_STREAMS_SHIM),
  };
}

/**
 * The esbuild options of every bundle, as NodejsFunction passes them to esbuild (format, target, main
 * fields, banner, minification, charset, tsconfig, the SDK bundled, the credentials and event-stream
 * aliases). The benchmarks and the bundle tests build with exactly these
 * (`esbuild.build({ ...esbuildOptions(root), … })`).
 */
export function esbuildOptions(projectRoot: string) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    charset: 'utf8' as const,
    tsconfig: path.join(projectRoot, 'tsconfig.json'),
    alias: aliases(projectRoot),
  };
}

const STUB_CODE =
  "exports.handler = async () => { throw new Error('relief: stub code, synthesised for assertions only'); };";

/**
 * TransactWriteItems and BatchGetItem/BatchWriteItem are authorised per item by the item actions, each
 * item's partition key as dynamodb:LeadingKeys; a transaction's condition-only item (ConditionCheckItem)
 * reads, so it is granted where its partition is readable.
 */
const DYNAMODB_READ = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const DYNAMODB_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** `ForAllValues:StringLike` on dynamodb:LeadingKeys: every partition key of the request matches a family. */
export function leadingKeysCondition(families: readonly (keyof typeof KEY_FAMILIES)[]) {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': families.flatMap((f) => KEY_FAMILIES[f]) },
  };
}
/** Data-key use on a customer managed key, spelled out (no `GenerateDataKey*` / `ReEncrypt*` wildcards). */
const KMS_DECRYPT = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_ENCRYPT = [
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

export class ReliefFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** What was bound, for reviews and tests. */
  readonly bindings: {
    /** The table access as JSON (families read, written, indexes). */
    table?: string;
    bucket?: BucketAccess;
    workflow?: WorkflowAccess;
    /** The insurer secret is read-only for functions. */
    insurerSecret?: 'read';
    /** The sealed audit checkpoints: create/read checkpoint objects and sign with the audit key. */
    auditCheckpoints?: 'seal';
    /** The renderer function it invokes (access `render`). */
    renderer?: RendererName;
  } = {};

  constructor(scope: Construct, id: string, props: ReliefFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `relief ${id}: ${props.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    const common: lambda.FunctionOptions & { runtime: lambda.Runtime; handler: string } = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: `index.${props.exportPath}`,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      ...(props.tracing ? { tracing: lambda.Tracing.ACTIVE } : {}),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    };
    this.function =
      props.code === 'stub'
        ? new NodejsFunction(this, 'Function', { ...common, code: lambda.Code.fromInline(STUB_CODE) })
        : new NodejsFunction(this, 'Function', {
            ...common,
            entry: props.entry,
            projectRoot: props.projectRoot,
            depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
            bundling: {
              forceDockerBundling: false,
              format: OutputFormat.ESM,
              target: 'node22',
              mainFields: ['module', 'main'],
              banner: ESM_REQUIRE_BANNER,
              minify: true,
              sourceMap: true,
              sourceMapMode: SourceMapMode.DEFAULT,
              sourcesContent: false,
              // Bundle the AWS SDK too: the version is the one tested, whatever the region's runtime ships.
              externalModules: [],
              tsconfig: path.join(props.projectRoot, 'tsconfig.json'),
              esbuildArgs: {
                // One `--alias:package=path` per entry (NodejsFunction spells a list out that way).
                '--alias': Object.entries(aliases(props.projectRoot)).map(([from, to]) => `${from}=${to}`),
                // NodejsFunction's own `charset` option is not passed on to esbuild (aws-cdk-lib 2.2xx):
                // without this the bundles escape every Chinese character as \uXXXX.
                '--charset': 'utf8',
              },
              logLevel: LogLevel.ERROR,
            },
          });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x by the architecture decision (Node 22; nodejs20.x is deprecated) for the aws and aws-cn partitions alike: a newer runtime is a deliberate, tested change of this construct, not an automatic one.',
    });
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords (added by Tracing.ACTIVE) do not support resource-level permissions.',
      });
    }
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  private setEnv(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /**
   * TABLE_NAME + item access by key family (functions/lib/access.ts): `TableRead` on the partitions read
   * or written, `TableWrite` on those written, each limited with dynamodb:LeadingKeys (the table's
   * partition key) and on the table ARN only; `TableIndexes`: Query on exactly the indexes named, without
   * LeadingKeys (AWS evaluates that key against the table's partition key, which an index Query does not
   * name), read-only, so an index grant can never write. Index names come from infra/table-design.ts.
   */
  bindTable(table: ITable, access: TableAccess): this {
    this.once('table', JSON.stringify(access));
    this.setEnv('TABLE_NAME', table.tableName);
    const readable = readableFamilies(access);
    const writable = [...new Set(access.write ?? [])].sort();
    const indexes = [...new Set(access.indexes ?? [])].sort();
    if (readable.length === 0 && indexes.length === 0) {
      throw new Error(`${this.node.path}: table access names no key family and no index`);
    }
    const known = new Set<string>(TABLE_DESIGN.globalSecondaryIndexes.map((i) => i.indexName));
    for (const i of indexes)
      if (!known.has(i)) throw new Error(`${this.node.path}: no index ${i} in the table design`);
    if (readable.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableRead',
          actions: DYNAMODB_READ,
          resources: [table.tableArn],
          conditions: leadingKeysCondition(readable),
        }),
      );
    }
    if (writable.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableWrite',
          actions: DYNAMODB_WRITE,
          resources: [table.tableArn],
          conditions: leadingKeysCondition(writable),
        }),
      );
    }
    if (indexes.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableIndexes',
          actions: ['dynamodb:Query'],
          resources: indexes.map((i) => `${table.tableArn}/index/${i}`),
        }),
      );
    }
    if (table.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableKey',
          actions: writable.length === 0 ? KMS_DECRYPT : [...KMS_DECRYPT, ...KMS_ENCRYPT],
          resources: [table.encryptionKey.keyArn],
        }),
      );
    }
    return this;
  }

  /**
   * DOCUMENTS_BUCKET + object access under `keyPattern`. Presigned URLs are executed with this role's
   * permissions, so a function that presigns uploads needs `write` and one that presigns downloads `read`.
   */
  bindBucket(bucket: IBucket, access: BucketAccess, keyPattern = '*'): this {
    this.once('bucket', access);
    this.setEnv('DOCUMENTS_BUCKET', bucket.bucketName);
    const reads = access === 'read' || access === 'presign' || access === 'inspect';
    const writes = access === 'write' || access === 'presign';
    const objects = bucket.arnForObjects(keyPattern);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DocumentObjects',
        actions: [...(reads ? ['s3:GetObject'] : []), ...(writes ? ['s3:PutObject'] : [])],
        resources: [objects],
      }),
    );
    if (keyPattern.includes('*')) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(this).resolve(objects))}]`,
        reason: `Object keys are generated per application and document (${keyPattern}); the grant is limited to that prefix and to ${
          reads && writes ? 'GetObject/PutObject' : reads ? 'GetObject' : 'PutObject'
        }.`,
      });
    }
    if (bucket.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DocumentKey',
          // SSE-KMS: GetObject needs Decrypt; PutObject needs GenerateDataKey (and Decrypt for multipart parts).
          actions: writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
          resources: [bucket.encryptionKey.keyArn],
        }),
      );
    }
    return this;
  }

  /**
   * STATE_MACHINE_ARN + the Step Functions calls the workflow adapter makes. Takes the ARN (not the
   * construct): task functions are referenced by the state machine's definition, so the machine's
   * ARN is computed from its name to keep CloudFormation free of a reference cycle.
   */
  bindStateMachine(stateMachineArn: string, access: WorkflowAccess, executionArns?: string): this {
    this.once('workflow', access);
    this.setEnv('STATE_MACHINE_ARN', stateMachineArn);
    const actions = [
      ...(access !== 'respond' ? ['states:StartExecution'] : []),
      ...(access === 'respond' || access === 'start-and-respond' || access === 'heal'
        ? ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']
        : []),
    ];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'Workflow', actions, resources: [stateMachineArn] }),
    );
    if (access === 'redrive' || access === 'heal') {
      if (!executionArns)
        throw new Error(`${this.node.path}: ${access} needs the ARN pattern of the executions`);
      // DescribeExecution is authorised on the execution, whose name is only known at run time.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WorkflowExecutions',
          actions: ['states:DescribeExecution'],
          resources: [executionArns],
        }),
      );
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(this).resolve(executionArns))}]`,
        reason:
          'DescribeExecution of the approval workflow’s own executions (names are per submission, <id>-s<n>[-r<k>]): read-only, limited to that one state machine.',
      });
    }
    return this;
  }

  /**
   * INSURER_SECRETS_ARN + `secretsmanager:GetSecretValue` on exactly this secret, and `kms:Decrypt`
   * on the key it is encrypted with (none for the AWS managed key). functions/lib/secrets.ts reads
   * the secret with Powertools `getSecret`, which calls GetSecretValue only (no DescribeSecret, no
   * version-stage lookups), so nothing else is granted.
   */
  bindInsurerSecret(secret: ISecret): this {
    this.once('insurerSecret', 'read');
    this.setEnv('INSURER_SECRETS_ARN', secret.secretArn);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InsurerSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    if (secret.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'InsurerSecretKey',
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
        }),
      );
    }
    return this;
  }

  /**
   * AUDIT_CHECKPOINT_BUCKET + AUDIT_SIGNING_KEY_ID for the audit sealer
   * (functions/adapters/s3/checkpoint-store.ts, kms-checkpoint-signer.ts): PutObject and GetObject under
   * `prefix`, ListBucket of that prefix only (finding the newest checkpoint), and kms:Sign with the audit
   * key. No delete, no version or retention call: Object Lock's default retention applies to every PUT.
   */
  bindAuditCheckpoints(bucket: IBucket, signingKey: IKey, prefix = 'checkpoints/'): this {
    this.once('auditCheckpoints', 'seal');
    this.setEnv('AUDIT_CHECKPOINT_BUCKET', bucket.bucketName);
    this.setEnv('AUDIT_SIGNING_KEY_ID', signingKey.keyArn);
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditCheckpointObjects',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [objects],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditCheckpointList',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': prefix } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'AuditSign', actions: ['kms:Sign'], resources: [signingKey.keyArn] }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(this).resolve(objects))}]`,
      reason: `Checkpoint objects are keyed by their sequence number under ${prefix}; the grant is limited to that prefix and to GetObject/PutObject (no delete, and Object Lock compliance mode keeps every version).`,
    });
    return this;
  }

  /**
   * Failed asynchronous invocations (after Lambda's retries) land in `queue`. Set through the
   * function's DeadLetterConfig with an explicit grant (SendMessage + the queue key's data key),
   * instead of the L2 default grant with `kms:GenerateDataKey*` / `kms:ReEncrypt*` wildcards.
   */
  sendFailedInvocationsTo(queue: IQueue, retryAttempts = 2): this {
    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.deadLetterConfig = { targetArn: queue.queueArn };
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    if (queue.encryptionMasterKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DeadLetterKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [queue.encryptionMasterKey.keyArn],
        }),
      );
    }
    this.function.configureAsyncInvoke({ retryAttempts, maxEventAge: Duration.hours(6) });
    return this;
  }

  /**
   * RENDER_<NAME>_FUNCTION + lambda:InvokeFunction on exactly that renderer (access `render`): the route
   * hands it the model and gets the file back (functions/adapters/lambda/, a synchronous invoke).
   */
  bindRenderer(name: RendererName, renderer: ReliefFunction): this {
    this.once('renderer', name);
    this.setEnv(rendererEnv(name), renderer.function.functionName);
    const grant = renderer.invokeStatement();
    grant.sid = 'Render';
    this.role.addToPrincipalPolicy(grant);
    return this;
  }

  /** lambda:InvokeFunction on exactly this function (unqualified ARN, no `:*` version wildcard). */
  invokeStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [this.function.functionArn],
    });
  }

  private once(kind: keyof ReliefFunction['bindings'], access: string): void {
    if (this.bindings[kind] !== undefined) {
      throw new Error(
        `${this.node.path}: ${kind} is already bound (${this.bindings[kind]}); bind each resource once`,
      );
    }
    (this.bindings as Record<string, string>)[kind] = access;
  }
}

/**
 * A resolved CloudFormation value as cdk-nag spells it in finding ids: `Fn::Join` joined, `Ref` as
 * `<Name>`, `Fn::GetAtt` as `<Resource.Attribute>` (same rules as cdk-nag's flattenCfnReference).
 */
export function flattenForNag(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const n = node as Record<string, unknown>;
  if (Array.isArray(n['Fn::Join'])) {
    const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
    return items.map(flattenForNag).join(delimiter);
  }
  if (Array.isArray(n['Fn::GetAtt'])) {
    const [resource, attribute] = n['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
  }
  if (n.Ref !== undefined) return `<${flattenForNag(n.Ref)}>`;
  return JSON.stringify(node);
}
