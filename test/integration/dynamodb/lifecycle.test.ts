import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLocalDynamoClients,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '../../../infra/local/dynamodb.ts';
import { isPortOpen } from '../../../infra/local/ports.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TABLE = 'relief';

/** Running (a zombie left for a non-reaping init counts as gone: it holds no port and no memory). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const running: DynamoDbLocal[] = [];
const tempDirs: string[] = [];
async function start(options: Parameters<typeof startDynamoDbLocal>[0] = {}) {
  const dynamo = await startDynamoDbLocal(options);
  running.push(dynamo);
  return dynamo;
}
function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'relief-ddb-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('startDynamoDbLocal', () => {
  it('answers on a loopback endpoint, and after stop() neither the port nor the JVM remains', async () => {
    const dynamo = await start();
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
    expect(await isPortOpen(dynamo.port)).toBe(true);
    expect(isAlive(dynamo.pid)).toBe(true);

    await dynamo.stop();

    expect(isAlive(dynamo.pid)).toBe(false);
    expect(await isPortOpen(dynamo.port)).toBe(false);
    await dynamo.stop(); // idempotent
  });

  it('runs the JVM with the serial collector and a bounded heap, and leaves this process environment as it was', async () => {
    const before = process.env.JDK_JAVA_OPTIONS;
    const dynamo = await start();
    expect(process.env.JDK_JAVA_OPTIONS).toBe(before);
    const flags = spawnSync('jcmd', [String(dynamo.pid), 'VM.flags'], { encoding: 'utf8' }).stdout;
    expect(flags).toContain('-XX:+UseSerialGC');
    expect(flags).toMatch(/-XX:MaxHeapSize=1073741824\b/);
    expect(flags).not.toContain('UseG1GC');
  });

  it('takes other JVM options instead of the defaults', async () => {
    const dynamo = await start({ jvmOptions: ['-XX:+UseParallelGC', '-Xmx512m'] });
    const flags = spawnSync('jcmd', [String(dynamo.pid), 'VM.flags'], { encoding: 'utf8' }).stdout;
    expect(flags).toContain('-XX:+UseParallelGC');
    expect(flags).toMatch(/-XX:MaxHeapSize=536870912\b/);
    expect(flags).not.toContain('UseSerialGC');
  });

  it('keeps data across a restart with the same dataDir', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    const a = createLocalDynamoClients(first.endpoint);
    await ensureTable(a.client, TABLE);
    await a.doc.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'COURT#1', sk: 'COURT', name: '一号法院' } }),
    );
    a.client.destroy();
    await first.stop();

    const second = await start({ dataDir });
    const b = createLocalDynamoClients(second.endpoint);
    const { created } = await ensureTable(b.client, TABLE);
    const { Item } = await b.doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'COURT#1', sk: 'COURT' } }),
    );
    b.client.destroy();

    expect(created).toBe(false);
    expect(Item?.name).toBe('一号法院');
  });

  it('keeps nothing across a restart without dataDir (in memory)', async () => {
    const first = await start();
    const a = createLocalDynamoClients(first.endpoint);
    expect((await ensureTable(a.client, TABLE)).created).toBe(true);
    a.client.destroy();
    await first.stop();

    const second = await start();
    const b = createLocalDynamoClients(second.endpoint);
    expect((await ensureTable(b.client, TABLE)).created).toBe(true);
    b.client.destroy();
  });

  it('reports an early exit with the JVM output when the requested port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(
        /exited during start-up[\s\S]*Address already in use/,
      );
    } finally {
      blocker.close();
    }
  });

  it('explains how to install Java when `java` is not on PATH', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(
        /Java 17\+[\s\S]*apt-get install -y default-jre-headless/,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it.each([
    ['is SIGKILLed', 'idle'],
    ['calls process.exit', 'exit'],
    ['dies of an uncaught exception', 'throw'],
  ])('does not let the JVM outlive an owner process that %s', async (_how, ending) => {
    const owner = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'fixtures/owner-process.ts'), ending],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const started = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
        let out = '';
        owner.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line));
        });
        owner.once('exit', (code) =>
          reject(new Error(`owner exited with ${code} before DynamoDB Local started`)),
        );
      });
      if (ending === 'idle') {
        expect(isAlive(started.pid)).toBe(true);
        owner.kill('SIGKILL');
      }

      await eventually(() => !isAlive(started.pid), `JVM ${started.pid} is gone`);
      await eventually(async () => !(await isPortOpen(started.port)), `port ${started.port} is closed`);
    } finally {
      if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    }
  });
});
