import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { S3Event } from 'aws-lambda';
import { loadOrCreateLocalSigningKey } from '../../functions/adapters/local/checkpoints.ts';
import { rendererEnv } from '../../functions/lib/access.ts';
import { rendererSpecs } from '../../functions/tasks/render-specs.ts';
import { createConsoleSite, ensureConsoleBuild } from './console.ts';
import { withLocalClockShift } from './dev-clock.ts';
import { devExecutionRoute, devOverdueSweepRoute, devTokenRoute } from './dev-token-route.ts';
import { devJwks, LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateDevSigningKey } from './dev-tokens.ts';
import { docsRoutes } from './docs-route.ts';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from './dynamodb.ts';
import { startHttpGateway } from './http-gateway.ts';
import {
  type InsurerSimulator,
  type InsurerSimulatorOptions,
  startInsurerSimulator,
} from './insurer-simulator.ts';
import { type InvokeHandler, startLambdaHttpServer } from './lambda.ts';
import { OutboxStream } from './outbox-stream.ts';
import { removeRunnerInfo, writeRunnerInfo } from './runner-info.ts';
import { startLocalS3 } from './s3/index.ts';
import { seed } from './seed.ts';
import { LocalStepFunctions, loadDefinition, startSfnHttpServer } from './stepfunctions/index.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' };
export const LOCAL_REGION = 'us-east-1';
export const TABLE_NAME = 'relief';
export const DOCUMENTS_BUCKET = 'relief-documents';

export interface LocalStackOptions {
  /** Where data lives across restarts (DynamoDB file, S3 objects, the dev signing key). */
  dataDir: string;
  /** Wipe dataDir first. */
  fresh?: boolean;
  port?: number;
  host?: string;
  log?: (line: string) => void;
  now?: () => Date;
  reconcileIntervalMs?: number;
  /** Serve the console (web/, built first when its sources changed) under /console/ on the API's origin. */
  console?: boolean;
  /**
   * The re-drive sweeps (lost workflows, lost S3 events) run once at start over everything — the
   * engine's executions did not survive the restart — then every `redriveIntervalMs` (default 30 s).
   */
  redriveIntervalMs?: number;
  /** How often the overdue asset-check sweep runs (default one minute; hourly when deployed). */
  overdueSweepIntervalMs?: number;
  /** How often the audit trail is sealed into a signed checkpoint (default one minute). */
  auditSealIntervalMs?: number;
  /**
   * DynamoDB Local keeps the table in memory (`-inMemory`) instead of a SQLite file in dataDir: gone at
   * stop. For load runs (the benchmark's campaign mode), where the file's writes cost the JVM CPU.
   */
  dynamoInMemory?: boolean;
  /** Options for the insurer simulator (ignored when INSURER_ENDPOINT points elsewhere). */
  insurer?: Partial<Pick<InsurerSimulatorOptions, 'payDelayMs' | 'declineRule' | 'payoutAmountFen'>>;
  /**
   * Runs around every invocation of a Lambda entry the stack makes — an API route (`POST /applications`),
   * a task by the kind of its trigger (`S3 ObjectCreated: documentUploaded`, `workflow task: dispatchPackage`,
   * `outbox stream: handOff`, `Lambda invoke: …`, `schedule: reconcile`) — so that the benchmark can
   * attribute the DynamoDB requests made inside it to the invocation (AsyncLocalStorage). Default: none.
   */
  aroundInvocation?: <T>(name: string, run: () => Promise<T>) => Promise<T>;
}

/** Development defaults, printed at start; override with INSURER_WEBHOOK_SECRET / INSURER_PACKAGE_SECRET. */
export const DEV_WEBHOOK_SECRET = 'relief-local-webhook-secret-0001';
export const DEV_PACKAGE_SECRET = 'relief-local-package-secret-0001';

/** Local names for the ASL's placeholders (CDK substitutes function ARNs instead). */
export const APPROVAL_SUBSTITUTIONS = {
  Partition: 'aws',
  RecordTaskTokenFunction: 'relief-record-task-token',
  DispatchPackageFunction: 'relief-dispatch-package',
  EscalateFunction: 'relief-escalate',
  RecordFaultFunction: 'relief-record-fault',
} as const;

/** The workflow tasks (functions/tasks/specs.ts names) behind each local placeholder name. */
const WORKFLOW_TASKS: Record<string, string> = {
  recordTaskToken: APPROVAL_SUBSTITUTIONS.RecordTaskTokenFunction,
  dispatchPackage: APPROVAL_SUBSTITUTIONS.DispatchPackageFunction,
  escalate: APPROVAL_SUBSTITUTIONS.EscalateFunction,
  recordFault: APPROVAL_SUBSTITUTIONS.RecordFaultFunction,
};

/** What one run of the redrive entry answers (functions/entries/tasks/redrive.ts). */
interface RedriveRun {
  workflows: { examined: number; passComplete: boolean; outcomes: Record<string, number> };
  uploads: { examined: number; passComplete: boolean; outcomes: Record<string, number> };
}

export interface LocalStack {
  url: string;
  /** The console's entry, when served (`console: true`). */
  consoleUrl: string | undefined;
  port: number;
  /** The data directory (absolute): DynamoDB and S3 files, keys, audit checkpoints, runner.json. */
  dataDir: string;
  endpoints: { dynamodb: string; s3: string; sfn: string; lambda: string };
  stepFunctions: LocalStepFunctions;
  /** The insurer simulator, unless INSURER_ENDPOINT points at a real insurer. */
  insurer: InsurerSimulator | undefined;
  webhookSecret: string;
  /** Resolves when every S3 event seen so far has been handled (for tests and the walk-through). */
  settled(): Promise<void>;
  /**
   * Calls `listener` with the object key each time the ObjectCreated handler has finished with it (also
   * when it failed), so a load generator can wait for its own uploads without polling the table.
   * Returns the unsubscribe function.
   */
  onObjectHandled(listener: (key: string) => void): () => void;
  close(): Promise<void>;
}

/**
 * The whole system on one machine: DynamoDB Local, S3 (s3rver behind the strict front), the Step
 * Functions interpreter and the HTTP API, wired to the very Lambda entries (functions/entries/) Lambda runs.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  // The business metrics are EMF lines for CloudWatch; locally nobody collects them, and one per request
  // would bury the runner's own output. POWERTOOLS_METRICS_DISABLED=false shows them.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Whatever changed before this instant was in flight in an earlier life of the runner.
  const startedAt = new Date().toISOString();
  const dataDir = path.resolve(options.dataDir);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(path.join(dataDir, 's3'), { recursive: true });

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    // Built before anything else starts, so that a failed build leaves nothing running.
    const consoleBuild = options.console ? await ensureConsoleBuild(log) : undefined;
    const dynamo = await startDynamoDbLocal({
      ...(options.dynamoInMemory ? {} : { dataDir: path.join(dataDir, 'dynamodb') }),
      log,
    });
    closers.push(() => dynamo.stop());
    const s3 = await startLocalS3({
      dataDir: path.join(dataDir, 's3'),
      credentials: LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      buckets: [DOCUMENTS_BUCKET],
      maxObjectBytes: 20 * 1024 * 1024,
      // The console PUTs scans straight to presigned URLs from a page on the runner's origin.
      cors: {
        allowedOrigins: ['http://127.0.0.1:*', 'http://localhost:*'],
        allowedMethods: ['PUT', 'GET'],
        allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
      },
    });
    closers.push(() => s3.close());
    const { client, doc } = createLocalDynamoClients(dynamo.endpoint);
    await ensureTable(client, TABLE_NAME);
    const seeded = await seed(doc, TABLE_NAME, (options.now ?? (() => new Date()))());
    log(`seeded campaigns ${seeded.campaigns.join(', ')}; ${seeded.quotasCreated} new quota rows`);

    const stepFunctions = new LocalStepFunctions({ dynamo: client, lambdaHandlers: {}, log });
    closers.push(async () => stepFunctions.close());
    const sfn = await startSfnHttpServer(stepFunctions, {});
    closers.push(() => sfn.close());
    // The same ASL CDK deploys; the placeholders name in-process task handlers instead of Lambda ARNs.
    const stateMachineArn = stepFunctions.createStateMachine(
      'relief-approval',
      loadDefinition(
        new URL('../../statemachines/relief-approval.asl.json', import.meta.url),
        APPROVAL_SUBSTITUTIONS,
      ),
    );

    const webhookSecret = process.env.INSURER_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET;
    const packageSecret = process.env.INSURER_PACKAGE_SECRET ?? DEV_PACKAGE_SECRET;
    const externalInsurer = process.env.INSURER_ENDPOINT;
    let insurer: InsurerSimulator | undefined;
    if (!externalInsurer) {
      insurer = await startInsurerSimulator({
        packageSecrets: [packageSecret],
        webhookSecret,
        payDelayMs: options.insurer?.payDelayMs ?? 1500,
        ...(options.insurer?.declineRule ? { declineRule: options.insurer.declineRule } : {}),
        ...(options.insurer?.payoutAmountFen ? { payoutAmountFen: options.insurer.payoutAmountFen } : {}),
      });
      const sim = insurer;
      closers.push(() => sim.close());
    }

    // The functions the routes invoke synchronously (the document renderers): the Lambda Invoke API on
    // loopback, running the same entries in this process (their handlers are mounted below).
    const invokable = new Map<string, InvokeHandler>();
    const lambda = await startLambdaHttpServer((name) => invokable.get(name));
    closers.push(() => lambda.close());
    const localFunctionName = (task: string) =>
      `relief-${task.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

    const key = await loadOrCreateDevSigningKey(dataDir);
    // The local stand-ins of the KMS checkpoint key and the Object Lock bucket (audit seals).
    const auditDir = path.join(dataDir, 'audit');
    await loadOrCreateLocalSigningKey(auditDir);
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME,
      DOCUMENTS_BUCKET,
      JWT_ISSUER: LOCAL_ISSUER,
      JWT_AUDIENCE: LOCAL_AUDIENCE,
      JWKS_JSON: JSON.stringify(devJwks(key)),
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      SFN_ENDPOINT: sfn.endpoint,
      STATE_MACHINE_ARN: stateMachineArn,
      INSURER_ENDPOINT: externalInsurer ?? insurer?.packagesUrl,
      INSURER_PACKAGE_SECRET: packageSecret,
      INSURER_WEBHOOK_SECRETS: webhookSecret,
      AUDIT_LOCAL_DIR: auditDir,
      LAMBDA_ENDPOINT: lambda.endpoint,
      ...Object.fromEntries(rendererSpecs.map((r) => [rendererEnv(r.name), localFunctionName(r.name)])),
    });
    delete process.env.AWS_PROFILE;
    // The Lambda entries read configuration at first use: import them only now that it is set.
    const { guardTableAccess, loadRouteEntries, loadTaskEntries } = await import('./entries.ts');
    const routes = await loadRouteEntries();
    const tasks = await loadTaskEntries();
    // Each entry may touch only the partitions its spec names, as its deployed role (LeadingKeys).
    await guardTableAccess();
    const around = options.aroundInvocation;
    /** The task entry `name`, invoked as `trigger` (see LocalStackOptions.aroundInvocation). */
    const task = (name: string, trigger: string) => {
      const handler = tasks.get(name);
      if (!handler) throw new Error(`no task entry ${name}`);
      return around ? (payload: unknown) => around(`${trigger}: ${name}`, () => handler(payload)) : handler;
    };
    for (const r of rendererSpecs) invokable.set(localFunctionName(r.name), task(r.name, 'Lambda invoke'));
    const reconcile = task('reconcile', 'schedule');
    const redrive = task('redrive', 'schedule') as (payload?: unknown) => Promise<RedriveRun>;
    const documentUploaded = task('documentUploaded', 'S3 ObjectCreated');
    // The table's stream on outbox items (on AWS a filtered event source mapping): the hand-off
    // of decisions and payout outcomes to the workflow after the response.
    const { documentClient } = await import('../../functions/factories/dynamodb.ts');
    const handOff = task('handOff', 'outbox stream');
    const outboxStream = new OutboxStream((event) => handOff(event), log);
    outboxStream.install(documentClient());
    closers.push(() => outboxStream.idle());
    for (const [name, placeholder] of Object.entries(WORKFLOW_TASKS)) {
      stepFunctions.registerLambdaHandler(placeholder, task(name, 'workflow task'));
    }
    // The deployed reconciler runs every minute on a schedule; locally every two seconds.
    let reconciling = false;
    const reconciler = setInterval(() => {
      if (reconciling) return;
      reconciling = true;
      reconcile({})
        .catch((error: Error) => log(`reconcile failed: ${error.name}`))
        .finally(() => {
          reconciling = false;
        });
    }, options.reconcileIntervalMs ?? 2000);
    closers.push(async () => clearInterval(reconciler));
    let redriving = false;
    const redriver = setInterval(() => {
      if (redriving) return;
      redriving = true;
      redrive()
        .catch((error: Error) => log(`redrive failed: ${error.message}`))
        .finally(() => {
          redriving = false;
        });
    }, options.redriveIntervalMs ?? 30_000);
    closers.push(async () => clearInterval(redriver));
    // The deployed overdue sweep runs hourly (EventBridge); locally every minute, and on demand with
    // POST /dev/sweeps/escalate-overdue-checks. Runs never overlap: a requested run waits for the last.
    const escalateOverdueChecks = task('escalateOverdueChecks', 'schedule');
    let overdueRun: Promise<unknown> = Promise.resolve();
    let overdueBusy = false;
    const runOverdueSweep = (payload: unknown = {}) => {
      const next = overdueRun
        .catch(() => {})
        .then(() => {
          overdueBusy = true;
          return escalateOverdueChecks(payload).finally(() => {
            overdueBusy = false;
          });
        });
      overdueRun = next;
      return next;
    };
    const overdueSweeper = setInterval(() => {
      if (overdueBusy) return;
      runOverdueSweep().catch((error: Error) => log(`overdue sweep failed: ${error.message}`));
    }, options.overdueSweepIntervalMs ?? 60_000);
    closers.push(async () => clearInterval(overdueSweeper));
    // The deployed sealer runs on a schedule (auditSealEveryMinutes); locally every minute, and on
    // demand with `relief audit seal`.
    const sealAuditTrail = task('sealAuditTrail', 'schedule') as () => Promise<{
      checkpoint?: { seq: number; treeSize: number };
    }>;
    let sealing = false;
    const sealer = setInterval(() => {
      if (sealing) return;
      sealing = true;
      sealAuditTrail()
        .then(
          (r) =>
            r.checkpoint && log(`audit checkpoint #${r.checkpoint.seq}: ${r.checkpoint.treeSize} chains`),
        )
        .catch((error: Error) => log(`audit seal failed: ${error.name}`))
        .finally(() => {
          sealing = false;
        });
    }, options.auditSealIntervalMs ?? 60_000);
    closers.push(async () => clearInterval(sealer));

    const pending = new Set<Promise<unknown>>();
    const handledListeners = new Set<(key: string) => void>();
    const unsubscribe = s3.onObjectCreated((e) => {
      // Real S3 URL-encodes keys in notifications; do the same so the handler is exercised as deployed.
      const event = {
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            eventTime: new Date().toISOString(),
            awsRegion: LOCAL_REGION,
            s3: {
              bucket: { name: e.bucket, arn: `arn:aws:s3:::${e.bucket}` },
              object: {
                key: encodeURIComponent(e.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
                size: e.size,
                eTag: e.eTag ?? '',
              },
            },
          },
        ],
      } as unknown as S3Event;
      const work = documentUploaded(event)
        .catch((error: Error) => log(`document-uploaded failed: ${error.name}`))
        .finally(() => {
          for (const listener of handledListeners) listener(e.key);
        });
      pending.add(work);
      void work.finally(() => pending.delete(work));
    });
    closers.push(async () => unsubscribe());

    const gateway = await startHttpGateway({
      routes: [
        ...routes,
        devTokenRoute(key),
        devExecutionRoute(stepFunctions, stateMachineArn),
        devOverdueSweepRoute(() => runOverdueSweep({ fromStart: true })),
        ...docsRoutes(),
      ].map((r) => {
        const handler = withLocalClockShift(r.handler);
        const name = `${r.spec.method} ${r.spec.path}`;
        return {
          method: r.spec.method,
          path: r.spec.path,
          handler: around
            ? (...args: Parameters<typeof handler>) => around(name, () => handler(...args))
            : handler,
        };
      }),
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 3000,
      ...(consoleBuild
        ? {
            site: createConsoleSite({
              dist: consoleBuild.dist,
              config: { mode: 'local', apiUrl: '/' },
              connectSources: [s3.endpoint],
            }),
          }
        : {}),
    });
    closers.push(() => gateway.close());
    insurer?.setWebhookUrl(`${gateway.url}/insurer/webhooks`);
    await writeRunnerInfo(dataDir, {
      pid: process.pid,
      url: gateway.url,
      region: LOCAL_REGION,
      tableName: TABLE_NAME,
      dynamodbEndpoint: dynamo.endpoint,
      credentials: LOCAL_CREDENTIALS,
      auditDir,
    });
    closers.push(() => removeRunnerInfo(dataDir));

    // Executions live in memory only: whatever was in flight before this start lost its workflow, and
    // an object that landed while nothing listened lost its S3 event. Re-drive all of it now (bounded
    // runs until each sweep completed a pass), so that "ready" means nothing is stuck. Work of this
    // life (requests already arriving) is left to the periodic run's quiet period.
    redriving = true;
    try {
      for (let run = 0; run < 1000; run++) {
        const { workflows, uploads } = await redrive({
          changedBefore: startedAt,
          fromStart: run === 0,
        });
        if (workflows.examined + uploads.examined > 0)
          log(
            `redrive at start: ${JSON.stringify({ workflows: workflows.outcomes, uploads: uploads.outcomes })}`,
          );
        if (workflows.passComplete && uploads.passComplete) break;
      }
    } catch (error) {
      log(`redrive at start incomplete (${(error as Error).message}); the periodic run retries`);
    } finally {
      redriving = false;
    }

    return {
      url: gateway.url,
      consoleUrl: consoleBuild ? `${gateway.url}/console/` : undefined,
      port: gateway.port,
      dataDir,
      endpoints: { dynamodb: dynamo.endpoint, s3: s3.endpoint, sfn: sfn.endpoint, lambda: lambda.endpoint },
      stepFunctions,
      insurer,
      webhookSecret,
      settled: async () => {
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
      onObjectHandled: (listener) => {
        handledListeners.add(listener);
        return () => handledListeners.delete(listener);
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
