import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { SfnWorkflow } from '../../../functions/adapters/sfn/workflow.ts';
import { decideApplication } from '../../../functions/usecases/decide-application.ts';
import { createLocalDynamoClients, startDynamoDbLocal } from '../../../infra/local/dynamodb.ts';
import { freePort } from '../../../infra/local/ports.ts';
import { startLocalS3 } from '../../../infra/local/s3/index.ts';
import { DOCUMENTS_BUCKET, LOCAL_CREDENTIALS, LOCAL_REGION, TABLE_NAME } from '../../../infra/local/stack.ts';
import { applicationBody } from '../../support/applications.ts';
import { seedCourts } from '../../support/courts.ts';
import { createS3Client } from '../../support/s3-sdk.ts';

/**
 * In-flight work across a restart of the local runner (`npx tsx infra/local/main.ts`, its data dir
 * kept). The runner is killed mid-case — SIGKILL to its process group, JVM included: the Step
 * Functions engine keeps executions in memory only, so every execution is gone — and started again
 * on the same data dir. Meanwhile, with the runner down, the high court's final approval of one case
 * is recorded (quota reserved, but the process "dies" before the workflow hears of it) and an object
 * lands in the bucket with no one to receive its S3 event. After the restart nothing may be stuck:
 * - 海淀 case waiting at level 2 (BJ) waits there again, with a running execution, audited;
 * - 朝阳 case approved while down is dispatched and paid, its package id the deterministic one;
 * - 朝阳 case whose package was dispatched before the kill (insurer unreachable) gets the same
 *   package id again and is paid;
 * - the document whose object landed while events were lost is settled `uploaded`.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Variables a stack in this process may have set: the runner must not inherit them. */
const INHERITED =
  /^(RELIEF_|AWS_|TABLE_NAME$|DOCUMENTS_BUCKET$|JWT_|JWKS_|DYNAMODB_|S3_|SFN_|STATE_MACHINE_|INSURER_|POWERTOOLS_|UPLOAD_URL_|DOWNLOAD_URL_|PORT$)/;

interface Runner {
  base: string;
  child: ChildProcess;
  closed: Promise<void>;
  output: () => string;
}

async function startRunner(dataDir: string, extraEnv: Record<string, string> = {}): Promise<Runner> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!INHERITED.test(k)) env[k] = v;
  Object.assign(env, {
    PORT: String(await freePort()),
    RELIEF_DATA_DIR: dataDir,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...extraEnv,
  });
  const child = spawn('npx', ['tsx', 'infra/local/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const ready = output.match(/relief ready on (http:\/\/127\.0\.0\.1:\d+)/);
      if (ready) {
        clearInterval(timer);
        resolve(ready[1] as string);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`runner exited with ${child.exitCode}:\n${output.slice(-3000)}`));
      }
    }, 100);
  });
  return { base, child, closed, output: () => output };
}

/**
 * Kills the runner's process group (the runner, DynamoDB Local's JVM, its watchdog), as a crash would.
 * DynamoDB Local acknowledges a write a moment before it is on disk (a SIGKILL right after the answer
 * can lose the last transaction; DynamoDB itself does not): the kill comes after a quiet second.
 */
async function kill(runner: Runner) {
  if (runner.child.pid === undefined) return;
  await new Promise((r) => setTimeout(r, 1500));
  try {
    process.kill(-runner.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await runner.closed;
}

let dataDir: string;
let runner: Runner | undefined;
let base = '';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
async function call(method: string, route: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const mint = async (court: string, role: string) =>
  (await call('POST', '/dev/tokens', undefined, { sub: `${role}-${court}`, court, roles: [role] }))
    .token as string;

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const TYPES = [
  'identity',
  'enforcement-basis',
  'hardship-proof',
  'termination-consent',
  'bank-account',
  'execution-report',
];
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function requestUpload(id: string, clerk: string, type: string, scan: Buffer) {
  return call('POST', `/applications/${id}/documents`, clerk, {
    type,
    contentType: 'application/pdf',
    sizeBytes: scan.length,
    sha256: sha256(scan),
  });
}

/** Created by `court`, six scans uploaded, submitted, approved by the first `levels` courts of its route. */
async function caseAt(court: string, prefix: string, levels: number): Promise<string> {
  const clerk = await mint(court, 'clerk');
  const { id, route } = await call('POST', '/applications', clerk, applicationBody({ courtPrefix: prefix }));
  for (const type of TYPES) {
    const scan = Buffer.from(`%PDF-1.4\n% ${type} of ${id}\n%%EOF\n`);
    const doc = await requestUpload(id, clerk, type, scan);
    const put = await fetch(doc.upload.url, { method: 'PUT', headers: doc.upload.headers, body: scan });
    expect(put.status).toBe(200);
  }
  await until('six documents uploaded', async () => {
    const list = await call('GET', `/applications/${id}/documents`, clerk);
    return list.items.filter((d: { status: string }) => d.status === 'uploaded').length === 6;
  });
  await call('POST', `/applications/${id}/submit`, clerk, {
    approvalForm: { reviewOpinion: '材料齐全，同意报请审批', reviewedBy: '重启测试法官' },
  });
  for (let level = 0; level < levels; level++) {
    const approver = await mint(route[level], 'approver');
    await call('POST', `/applications/${id}/decisions`, approver, { decision: 'approve', comment: '同意' });
  }
  return id;
}

const audit = async (id: string, token: string) =>
  (await call('GET', `/applications/${id}/audit`, token)) as {
    action: string;
    detail: Record<string, unknown>;
  }[];

let spc: string;
let waiting: string; // 海淀, waiting at level 2 (BJ) when killed
let approvedWhileDown: string; // 朝阳, waiting at BJ when killed; BJ approves while the runner is down
let dispatched: string; // 朝阳, package dispatched (insurer unreachable) when killed
let lateUpload: { id: string; documentId: string; key: string; scan: Buffer };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'relief-restart-'));
  // First life: the insurer is unreachable, so a dispatched package stays unanswered.
  runner = await startRunner(dataDir, { INSURER_ENDPOINT: `http://127.0.0.1:${await freePort()}/packages` });
  base = runner.base;
  spc = await mint('SPC', 'spc-admin');
  waiting = await caseAt('BJ0108', '京0108', 2);
  approvedWhileDown = await caseAt('BJ0105', '京0105', 1);
  dispatched = await caseAt('BJ0105', '京0105', 2);
  await until('the package dispatched', async () =>
    (await audit(dispatched, spc)).some((e) => e.action === 'package.dispatched'),
  );
  const clerk = await mint('BJ0105', 'clerk');
  const { id } = await call('POST', '/applications', clerk, applicationBody({ courtPrefix: '京0105' }));
  const scan = Buffer.from(`%PDF-1.4\n% identity of ${id}, uploaded while no one listened\n%%EOF\n`);
  const doc = await requestUpload(id, clerk, 'identity', scan);
  lateUpload = {
    id,
    documentId: doc.documentId,
    // The key the grant signed (its path in the presigned URL, after the bucket).
    key: decodeURIComponent(new URL(doc.upload.url).pathname).replace(/^\/[^/]+\//, ''),
    scan,
  };
  await kill(runner);
  runner = undefined;

  // Down: the high court's approval is recorded (quota reserved), the workflow never hears of it.
  const dynamo = await startDynamoDbLocal({ dataDir: path.join(dataDir, 'dynamodb') });
  try {
    const { doc: ddb } = createLocalDynamoClients(dynamo.endpoint);
    const unreachable = new SFNClient({
      region: LOCAL_REGION,
      endpoint: `http://127.0.0.1:${await freePort()}`,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const decided = await decideApplication(
      {
        repo: new DynamoApplicationRepository(ddb, TABLE_NAME),
        campaigns: new DynamoCampaignStore(ddb, TABLE_NAME),
        courts: seedCourts,
        workflow: new SfnWorkflow(
          unreachable,
          'arn:aws:states:us-east-1:000000000000:stateMachine:relief-approval',
        ),
        now: () => new Date(),
        newId: ulid,
      },
      { sub: 'approver-BJ', court: 'BJ', roles: ['approver'] },
      approvedWhileDown,
      { decision: 'approve', comment: '同意' },
    );
    expect(decided.status).toBe('awaiting_payout');
  } finally {
    await dynamo.stop();
  }
  // Down: an object lands in the bucket; nothing receives its S3 event.
  const s3 = await startLocalS3({
    dataDir: path.join(dataDir, 's3'),
    credentials: LOCAL_CREDENTIALS,
    region: LOCAL_REGION,
    buckets: [DOCUMENTS_BUCKET],
  });
  try {
    const client = createS3Client({
      region: LOCAL_REGION,
      endpoint: s3.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    await client.send(
      new PutObjectCommand({
        Bucket: DOCUMENTS_BUCKET,
        Key: lateUpload.key,
        Body: lateUpload.scan,
        ContentType: 'application/pdf',
      }),
    );
  } finally {
    await s3.close();
  }

  // Second life, same data dir, the insurer simulator back.
  runner = await startRunner(dataDir);
  base = runner.base;
}, 240_000);

afterAll(async () => {
  if (runner) await kill(runner);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('after the local runner was killed and started again on the same data', () => {
  it('has the case that waited at level 2 waiting there again, with a running execution, re-drive audited', async () => {
    const app = await call('GET', `/applications/${waiting}`, spc);
    expect(app).toMatchObject({ status: 'pending_approval', pendingAt: 'BJ' });
    const redriven = (await audit(waiting, spc)).filter((e) => e.action === 'workflow.redriven');
    expect(redriven).toHaveLength(1);
    expect(redriven[0]?.detail).toMatchObject({
      level: 2,
      pendingAt: 'BJ',
      found: { execution: `${waiting}-s1`, status: 'MISSING' },
    });
    expect((await call('GET', `/dev/executions/${waiting}-s1`)).status).toBe('RUNNING');
    // The chain goes on from level 2: BJ's approval (not BJ0108's or BJ01's again) leads to the payout.
    const bj = await mint('BJ', 'approver');
    await call('POST', `/applications/${waiting}/decisions`, bj, { decision: 'approve', comment: '同意' });
    await until('paid', async () => (await call('GET', `/applications/${waiting}`, spc)).status === 'paid');
    const decisions = (await audit(waiting, spc)).filter((e) => e.action === 'decision.approve');
    expect(decisions.map((e) => e.detail.level)).toEqual([0, 1, 2]);
  });

  it('dispatches and pays the case approved while the runner was down, under its deterministic package id', async () => {
    await until(
      'paid',
      async () => (await call('GET', `/applications/${approvedWhileDown}`, spc)).status === 'paid',
    );
    const trail = await audit(approvedWhileDown, spc);
    const packageId = `PKG-${approvedWhileDown}-1`;
    expect(trail.find((e) => e.action === 'workflow.redriven')?.detail).toMatchObject({
      level: 1,
      packageId,
    });
    expect(trail.filter((e) => e.action === 'package.dispatched').map((e) => e.detail.packageId)).toEqual([
      packageId,
    ]);
    expect(trail.filter((e) => e.action === 'payout.succeeded')).toHaveLength(1);
  });

  it('sends the package dispatched before the kill again with the same package id, and pays it once', async () => {
    await until(
      'paid',
      async () => (await call('GET', `/applications/${dispatched}`, spc)).status === 'paid',
    );
    const trail = await audit(dispatched, spc);
    const packageId = `PKG-${dispatched}-1`;
    const dispatches = trail.filter((e) => e.action === 'package.dispatched').map((e) => e.detail);
    expect(dispatches.length).toBeGreaterThanOrEqual(2);
    expect(new Set(dispatches.map((d) => d.packageId))).toEqual(new Set([packageId]));
    expect(trail.find((e) => e.action === 'workflow.redriven')?.detail).toMatchObject({
      level: 1,
      packageId,
    });
    expect(trail.filter((e) => e.action === 'payout.succeeded')).toHaveLength(1);
  });

  it('commits each reserved amount exactly once: nothing left reserved', async () => {
    await until('all paid', async () => {
      for (const id of [waiting, approvedWhileDown, dispatched])
        if ((await call('GET', `/applications/${id}`, spc)).status !== 'paid') return false;
      return true;
    });
    const quota = await call('GET', '/campaigns/demo/quotas/BJ', spc);
    expect(quota).toMatchObject({ reservedFen: 0, disbursedFen: 3 * 3_000_000 });
    for (const id of [waiting, approvedWhileDown, dispatched]) {
      const res = await fetch(`${base}/applications/${id}/audit`, {
        headers: { authorization: `Bearer ${spc}` },
      });
      expect(res.headers.get('audit-chain')).toBe('valid');
    }
  });

  it('settles the document whose object landed while its S3 event was lost', async () => {
    const clerk = await mint('BJ0105', 'clerk');
    const doc = await call('GET', `/applications/${lateUpload.id}/documents/${lateUpload.documentId}`, clerk);
    expect(doc).toMatchObject({ status: 'uploaded', sha256: sha256(lateUpload.scan) });
    const entry = (await audit(lateUpload.id, clerk)).find((e) => e.action === 'document.uploaded');
    expect(entry?.detail).toMatchObject({ documentId: lateUpload.documentId, via: 'redrive' });
  });
});
