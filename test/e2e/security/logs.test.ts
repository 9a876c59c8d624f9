import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationBody, residentId } from '../../support/applications.ts';

/**
 * "They never appear in logs" (api-contract "Personal data"): a separate runner, started exactly as a
 * developer would (`npx tsx infra/local/main.ts --fresh --verbose`) with handler logs at DEBUG, runs one
 * whole case — intake with a distinctive ID and account number, six scans, submission, approval at
 * 朝阳 (BJ0105) and 北京高院 (BJ), payout by the insurer simulator, closure — and every byte it wrote to
 * stdout and stderr is searched for those numbers afterwards.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ID_NUMBER = residentId('110105', '19730917', '519');
const ACCOUNT_NUMBER = '6228 4800 1357 2468 019'; // typed with spaces, as clerks do
const APPLICANT_NAME = '欧阳日志测';

/** Variables the e2e project's own stack may have set in this process: the child must not inherit them. */
const INHERITED =
  /^(RELIEF_|AWS_|TABLE_NAME$|DOCUMENTS_BUCKET$|JWT_|JWKS_|DYNAMODB_|S3_|SFN_|STATE_MACHINE_|INSURER_|POWERTOOLS_|UPLOAD_URL_|DOWNLOAD_URL_|PORT$)/;

let child: ChildProcess | undefined;
/** Resolves when the runner and everything holding its stdout/stderr have gone (all output is in). */
let outputComplete: Promise<void> | undefined;
let output = '';
let stopped = false;
let dataDir: string;
let base: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Signals the process group this test created (`detached`), as Ctrl-C in a terminal would; nothing else. */
function signalRunner(signal: NodeJS.Signals) {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'relief-logs-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!INHERITED.test(k)) env[k] = v;
  Object.assign(env, { PORT: String(port), RELIEF_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  const started = spawn('npx', ['tsx', 'infra/local/main.ts', '--fresh', '--verbose'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child = started;
  outputComplete = new Promise((resolve) => started.on('close', () => resolve()));
  started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  started.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const ready = output.match(/relief ready on (http:\/\/127\.0\.0\.1:\d+)/);
      if (ready) {
        clearInterval(timer);
        resolve(ready[1] as string);
      } else if (started.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`runner exited with ${started.exitCode}:\n${output.slice(-2000)}`));
      }
    }, 100);
  });
}, 120_000);

afterAll(async () => {
  // On a failure the runner is still up: stop it and everything it started (its JVM included).
  if (child && !stopped) {
    signalRunner('SIGINT');
    const done = await Promise.race([
      outputComplete,
      new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    if (done === 'timeout') signalRunner('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

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

async function mint(court: string, role: string, sub: string): Promise<string> {
  return (await call('POST', '/dev/tokens', undefined, { sub, court, roles: [role] })).token;
}

async function until(what: string, probe: () => Promise<boolean>, tries = 300) {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
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

describe('logs of a whole case', () => {
  it('never contain the ID number, the holder’s ID or the account number (with or without spaces)', async () => {
    const clerk = await mint('BJ0105', 'clerk', 'logs-clerk');
    const body = applicationBody({ courtPrefix: '京0105' });
    body.applicant.name = APPLICANT_NAME;
    body.applicant.idNumber = ID_NUMBER;
    body.bankAccount.holderName = APPLICANT_NAME;
    body.bankAccount.holderIdNumber = ID_NUMBER;
    body.bankAccount.accountNumber = ACCOUNT_NUMBER;
    body.reliefAmountFen = 200_000;
    const { id } = await call('POST', '/applications', clerk, body);

    for (const type of TYPES) {
      const scan = Buffer.from(`%PDF-1.4\n% ${type} of ${APPLICANT_NAME}\n%%EOF\n`);
      const sha256 = createHash('sha256').update(scan).digest('hex');
      const doc = await call('POST', `/applications/${id}/documents`, clerk, {
        type,
        contentType: 'application/pdf',
        sizeBytes: scan.length,
        sha256,
      });
      const put = await fetch(doc.upload.url, { method: 'PUT', headers: doc.upload.headers, body: scan });
      expect(put.status).toBe(200);
    }
    await until('six documents uploaded', async () => {
      const list = await call('GET', `/applications/${id}/documents`, clerk);
      return list.items.filter((d: { status: string }) => d.status === 'uploaded').length === 6;
    });
    await call('POST', `/applications/${id}/submit`, clerk, {
      approvalForm: { reviewOpinion: '材料齐全，同意报请审批', reviewedBy: '日志测试法官' },
    });
    for (const court of ['BJ0105', 'BJ']) {
      const approver = await mint(court, 'approver', `logs-approver-${court}`);
      await call('POST', `/applications/${id}/decisions`, approver, { decision: 'approve', comment: '同意' });
    }
    await until('paid', async () => (await call('GET', `/applications/${id}`, clerk)).status === 'paid');
    const closed = await call('POST', `/applications/${id}/closure`, clerk, {
      rulingNumber: '(2024)京0105执恢77号',
      issuedAt: new Date().toISOString(),
    });
    expect(closed.status).toBe('closed');

    signalRunner('SIGINT');
    const stop = await Promise.race([
      outputComplete?.then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still running'), 20_000)),
    ]);
    expect(stop, 'the runner stops on Ctrl-C (SIGINT to its process group)').toBe('stopped');
    stopped = true;

    // The capture is real: the runner's lines and DEBUG/INFO handler logs about this very case.
    expect(output).toContain('relief ready');
    expect(output).toContain('[local]');
    expect(output).toMatch(/"level":"INFO"/);
    expect(output).toContain(id);
    expect(output).toContain('SIGINT received, shutting down');

    const forbidden = [
      ID_NUMBER,
      ID_NUMBER.toLowerCase(),
      ID_NUMBER.slice(6, 14), // the hidden middle (birth date) of the masked form
      ACCOUNT_NUMBER,
      ACCOUNT_NUMBER.replace(/\s+/g, ''),
      ACCOUNT_NUMBER.replace(/\s+/g, '').slice(4, -4),
      APPLICANT_NAME, // functions/lib/logger.ts: names never go into a log line either
    ];
    for (const secret of forbidden) {
      const at = output.indexOf(secret);
      expect(at, `"${secret}" logged: …${output.slice(Math.max(0, at - 200), at + 200)}…`).toBe(-1);
    }
  }, 60_000);
});
