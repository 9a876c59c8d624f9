import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { type ChainedAuditEntry, GENESIS_HASH, sealEntry } from '../../functions/domain/audit-chain.ts';
import { api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * 全程留痕 must survive the database's administrator: with write access to the table one can rewrite an
 * approval's actor and comment, recompute the hash chain and the head on the application row, and the
 * table alone (Audit-Chain: valid) cannot tell. The signed checkpoints can: `relief audit verify` finds it.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'relief.mjs');

let doc: DynamoDBDocumentClient;
let dataDir: string;
let clerk: string;
let approver: string;
let spc: string;

/** `relief …` in process, against the e2e stack's data directory. */
async function relief(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--data-dir', dataDir], {
    stdout: { write: (s: string | Uint8Array) => (stdout += String(s)) },
    stderr: { write: (s: string | Uint8Array) => (stderr += String(s)) },
    env: {},
    cwd: ROOT,
    fetch: globalThis.fetch,
    retryDelaysMs: [],
    timeoutMs: 30_000,
  });
  return { code, stdout, stderr };
}

/** `node bin/relief.mjs …` as an operator runs it. */
function reliefProcess(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--data-dir', dataDir],
      { cwd: ROOT, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function entriesOf(id: string): Promise<ChainedAuditEntry[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: 'relief',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `APP#${id}`, ':p': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as ChainedAuditEntry[];
}

/** An application of 海淀法院 (BJ0108) approved at its first level, with the approver's comment. */
async function approvedAtFirstLevel(): Promise<string> {
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '京0108' }),
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  const submitted = await api('POST', `/applications/${id}/submit`, {
    token: clerk,
    body: { approvalForm: { reviewOpinion: '材料齐全，同意报请审批。', reviewedBy: '李法官' } },
  });
  expect(submitted.status).toBe(202);
  const decided = await api('POST', `/applications/${id}/decisions`, {
    token: approver,
    body: { decision: 'approve', comment: '经审查，符合救助条件，同意。' },
  });
  expect(decided.status).toBe(200);
  return id;
}

/**
 * What a database administrator can do: change one entry's actor and comment, re-hash it and every later
 * entry, and move the head on the application row, all directly in DynamoDB.
 */
async function rewriteApproval(id: string) {
  const entries = await entriesOf(id);
  const target = entries.find((e) => e.action === 'decision.approve');
  if (!target) throw new Error('no approval entry');
  let prev = GENESIS_HASH;
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const e of entries) {
    const content =
      e.seq === target.seq
        ? {
            ...e,
            actor: { ...e.actor, sub: 'approver-forged' },
            detail: { ...e.detail, comment: '不符合救助条件，不同意。' },
          }
        : e;
    const resealed = sealEntry(content, prev);
    await doc.send(
      new PutCommand({
        TableName: 'relief',
        Item: {
          pk: `APP#${id}`,
          sk: `AUDIT#${String(e.seq).padStart(10, '0')}`,
          entity: 'audit',
          ...resealed,
        },
      }),
    );
    prev = resealed.hash;
    head = { seq: resealed.seq, hash: resealed.hash };
  }
  await doc.send(
    new UpdateCommand({
      TableName: 'relief',
      Key: { pk: `APP#${id}`, sk: 'APP' },
      UpdateExpression: 'SET auditHead = :h',
      ConditionExpression: 'auditSeq = :s',
      ExpressionAttributeValues: { ':h': head.hash, ':s': head.seq },
    }),
  );
  return target.seq;
}

/**
 * The same administrator's rewrite of a campaign's trail: entry `seq` gets a forged detail, it and every
 * later entry are re-hashed, and the head on the campaign row is moved to match.
 */
async function rewriteCampaignEntry(campaignId: string, seq: number) {
  const out = await doc.send(
    new QueryCommand({
      TableName: 'relief',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `CAMPAIGN_AUDIT#${campaignId}`, ':p': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  const entries = (out.Items ?? []) as ChainedAuditEntry[];
  let prev = GENESIS_HASH;
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const e of entries) {
    const content = e.seq === seq ? { ...e, detail: { ...e.detail, specialLimitFen: 99_000_000 } } : e;
    const resealed = sealEntry(content, prev);
    await doc.send(
      new PutCommand({
        TableName: 'relief',
        Item: {
          pk: `CAMPAIGN_AUDIT#${campaignId}`,
          sk: `AUDIT#${String(e.seq).padStart(10, '0')}`,
          entity: 'campaign-audit',
          ...resealed,
        },
      }),
    );
    prev = resealed.hash;
    head = { seq: resealed.seq, hash: resealed.hash };
  }
  await doc.send(
    new UpdateCommand({
      TableName: 'relief',
      Key: { pk: 'CAMPAIGNS', sk: `CAMPAIGN#${campaignId}` },
      UpdateExpression: 'SET auditHead = :h',
      ConditionExpression: 'auditSeq = :s',
      ExpressionAttributeValues: { ':h': head.hash, ':s': head.seq },
    }),
  );
}

beforeAll(async () => {
  dataDir = inject('dataDir');
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    }),
  );
  clerk = await token('BJ0108', ['clerk'], 'clerk-seal');
  approver = await token('BJ0108', ['approver'], 'approver-seal');
  spc = await token('SPC', ['spc-admin'], 'spc-seal');
});

describe('sealed audit checkpoints (local runner)', () => {
  it('seals on demand and verifies an untouched application trail', async () => {
    const id = await approvedAtFirstLevel();
    const sealed = await relief(['audit', 'seal']);
    // (Other e2e files tamper with their own chains: those are reported on stderr and left unsealed.)
    expect(sealed.code).toBe(0);
    // The runner's own periodic seal may have taken these changes first.
    expect(sealed.stdout).toMatch(
      /^(sealed checkpoint #\d+: \d+ chain\(s\), Merkle root [0-9a-f]{64}|nothing to seal)/,
    );
    const verified = await relief(['audit', 'verify', '--application', id, '--json']);
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.stdout);
    expect(report).toMatchObject({ ok: true, chains: 1 });
    expect(report.sealedLeaves).toBeGreaterThanOrEqual(1);
  });

  it('writes each checkpoint once, read-only, signed with the key generated into the data directory', () => {
    const dir = path.join(dataDir, 'audit', 'checkpoints');
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(files[0]).toBe('000000000001.json');
    for (const f of files) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o444);
    expect(statSync(path.join(dataDir, 'audit', 'signing-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('catches an approval rewritten in DynamoDB with its chain and head recomputed', async () => {
    const id = await approvedAtFirstLevel();
    expect((await relief(['audit', 'seal'])).code).toBe(0);
    expect((await relief(['audit', 'verify', '--application', id])).code).toBe(0);

    const seq = await rewriteApproval(id);
    // The table alone is fooled: the recomputed chain verifies against the recomputed head.
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.headers.get('audit-chain')).toBe('valid');
    expect(audit.body.find((e: ChainedAuditEntry) => e.seq === seq).actor.sub).toBe('approver-forged');

    const run = await reliefProcess(['audit', 'verify', '--application', id]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('DIVERGENCE SEALED_ENTRY_MISMATCH');
    expect(run.stdout).toContain(`chain       application/${id}`);
    // The range is that of the checkpoint that sealed the rewritten entry (the trail may have been
    // sealed in more than one checkpoint, as the sealing runs on its schedule).
    const range = run.stdout.match(/an entry between seq (\d+) and (\d+) was rewritten/);
    expect(range, run.stdout).not.toBeNull();
    expect(Number(range?.[1])).toBeLessThanOrEqual(seq);
    expect(Number(range?.[2])).toBeGreaterThanOrEqual(seq);

    const json = JSON.parse((await relief(['audit', 'verify', '--application', id, '--json'])).stdout);
    expect(json.ok).toBe(false);
    expect(json.divergence).toMatchObject({ code: 'SEALED_ENTRY_MISMATCH', chainId: `application/${id}` });
    expect(json.divergence.seq).toBeGreaterThanOrEqual(seq);
  });

  it('seals and verifies a quota allocation trail too', async () => {
    const put = await api('PUT', '/campaigns/demo-prep/quotas/BT', {
      token: spc,
      body: { allocatedFen: 100_000_000 },
    });
    expect(put.status).toBe(200);
    expect((await relief(['audit', 'seal'])).code).toBe(0);
    const report = JSON.parse(
      (await relief(['audit', 'verify', '--chain', 'quota/demo-prep/BT', '--json'])).stdout,
    );
    expect(report).toMatchObject({ ok: true, chains: 1 });
    expect(report.sealedLeaves).toBeGreaterThanOrEqual(1);
  });

  it('seals a campaign’s trail and catches an entry of it rewritten in DynamoDB', async () => {
    const id = `seal-${Date.now().toString(36)}`;
    const created = await api('POST', '/campaigns', {
      token: spc,
      body: {
        id,
        name: `封存测试活动 ${id}`,
        preparation: { start: '2031-01-01', end: '2031-01-10' },
        handling: { start: '2031-01-11', end: '2031-02-28' },
        reportDue: '2031-03-15',
        standardLimitFen: 5_000_000,
        specialLimitFen: 10_000_000,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await api('PATCH', `/campaigns/${id}`, {
      token: spc,
      body: { name: `封存测试活动 ${id}（改）` },
      headers: { 'if-match': '"v1"' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await relief(['audit', 'seal'])).code).toBe(0);
    const sealed = JSON.parse(
      (await relief(['audit', 'verify', '--chain', `campaign/${id}`, '--json'])).stdout,
    );
    expect(sealed).toMatchObject({ ok: true, chains: 1 });
    expect(sealed.sealedLeaves).toBeGreaterThanOrEqual(1);

    await rewriteCampaignEntry(id, 1);
    // The table alone is fooled.
    expect((await api('GET', `/campaigns/${id}/audit`, { token: spc })).headers.get('audit-chain')).toBe(
      'valid',
    );
    const run = await relief(['audit', 'verify', '--chain', `campaign/${id}`, '--json']);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).divergence).toMatchObject({
      code: 'SEALED_ENTRY_MISMATCH',
      chainId: `campaign/${id}`,
    });
  });

  it('seals and verifies the court registry’s trail (every PUT and import of courts)', async () => {
    const path = '/courts/XZ0123';
    const { code: _code, ...fields } = (await api('GET', path, { token: spc })).body;
    const put = await api('PUT', path, { token: spc, body: { ...fields, name: `${fields.name}（封存）` } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await relief(['audit', 'seal'])).code).toBe(0);
    const report = JSON.parse((await relief(['audit', 'verify', '--chain', 'courts', '--json'])).stdout);
    expect(report).toMatchObject({ ok: true, chains: 1 });
    expect(report.sealedLeaves).toBeGreaterThanOrEqual(1);
  });

  it('answers usage errors with exit 2', async () => {
    expect((await relief(['audit', 'verify', '--application', 'NO-SUCH-APPLICATION'])).code).toBe(2);
    expect((await relief(['audit', 'verify', '--chain', 'nonsense'])).code).toBe(2);
    const wrongDir = await main(['audit', 'verify', '--data-dir', path.join(dataDir, 'nope')], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      env: {},
      cwd: ROOT,
      fetch: globalThis.fetch,
      retryDelaysMs: [],
      timeoutMs: 1000,
    });
    expect(wrongDir).toBe(2);
  });
});
