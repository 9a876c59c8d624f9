import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import {
  applicationChainId,
  DynamoAuditChainStore,
  documentChainId,
  quotaChainId,
  sealShardOf,
} from '../../../functions/adapters/dynamodb/audit-chains.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import {
  LocalCheckpointSigner,
  LocalCheckpointStore,
  LocalPublicKeys,
} from '../../../functions/adapters/local/checkpoints.ts';
import { type ChainedAuditEntry, GENESIS_HASH, sealEntry } from '../../../functions/domain/audit-chain.ts';
import type { ApplicationRecord, AuditInput } from '../../../functions/ports/applications.ts';
import { sealAuditTrail as sealSpec } from '../../../functions/tasks/specs.ts';
import { sealAuditTrail } from '../../../functions/usecases/seal-audit-trail.ts';
import { verifyAuditTrailInStores } from '../../../functions/usecases/verify-audit-trail-in-stores.ts';
import { installAccessGuard, runUnder } from '../../../infra/local/access-guard.ts';
import { createLocalDynamoClients } from '../../../infra/local/dynamodb.ts';
import { useLocalTable } from '../../support/local-table.ts';
import { addDocument } from '../../support/store.ts';

/**
 * The sealer and verifier against DynamoDB Local: the pending-seal mark is written in the same transaction
 * as each audit entry (applications and quotas), sealing clears it unless a newer change re-marked the
 * chain, and verification catches what a table administrator can do.
 */
const local = useLocalTable({ table: 'relief-seal', perTest: true });
let TABLE = 'relief';
let auditDir: string;
let repo: DynamoApplicationRepository;
let quotas: DynamoQuotaLedger;
let chains: DynamoAuditChainStore;
let n = 0;

const actor = { sub: 'clerk-zhang', court: 'BJ0105', roles: ['clerk' as const] };
const audit = (action: string, detail: Record<string, unknown> = {}): AuditInput => ({
  actor,
  action,
  fromStatus: 'draft',
  toStatus: 'draft',
  detail,
});

function record(): ApplicationRecord {
  n += 1;
  const id = `01SEAL${String(n).padStart(20, '0')}`;
  return {
    id,
    version: 1,
    status: 'draft',
    duplicateKey: `case-${id}#person`,
    courtCode: 'BJ0105',
    highCourtCode: 'BJ',
    campaignId: 'demo',
    createdAt: '2026-11-25T00:00:00.000Z',
    updatedAt: '2026-11-25T00:00:00.000Z',
  } as unknown as ApplicationRecord;
}

async function application(changes = 1): Promise<string> {
  const app = record();
  await repo.create(app, audit('application.created'));
  for (let i = 0; i < changes; i++) {
    await repo.update(app.id, (current) => ({
      next: { ...current, version: current.version + 1 },
      audit: audit('application.updated', { comment: `第${i + 1}次补正` }),
    }));
  }
  return app.id;
}

/** A document of `id` requested and uploaded: two entries of its own chain, its own mark. */
async function uploadedDocument(id: string, k: number): Promise<string> {
  const documentId = `D${k}${id.slice(2)}`;
  const granted = await addDocument(
    repo,
    {
      applicationId: id,
      documentId,
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      status: 'pending',
      s3Key: `applications/${id}/documents/${documentId}`,
      createdAt: '2026-11-25T00:00:00.000Z',
      createdBy: 'clerk',
      uploadedAt: null,
      rejectedReason: null,
      submissionSeqAtGrant: 0,
    },
    audit('document.requested'),
  );
  await repo.settleDocument(
    granted,
    { status: 'uploaded', at: '2026-11-25T00:01:00.000Z', reason: null },
    audit('document.uploaded'),
  );
  return documentId;
}

/** The DynamoDB requests `client` sends while `work` runs, as `<Command> <pk or index>`. */
async function requestsOf(client: DynamoDBDocumentClient, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const name = `count-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      const key = (input.Key ?? {}) as Record<string, unknown>;
      seen.push(
        `${String(context.commandName).replace(/Command$/, '')} ${String(input.IndexName ?? key.pk ?? values[':pk'] ?? '')}`,
      );
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await work();
  } finally {
    client.middlewareStack.remove(name);
  }
  return seen;
}

/** The campaign row a full seal walks from (CAMPAIGNS / CAMPAIGN#<id>, as the campaign store writes it). */
const campaignRow = (campaignId: string) =>
  local.doc.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        pk: 'CAMPAIGNS',
        sk: `CAMPAIGN#${campaignId}`,
        entity: 'campaign',
        id: campaignId,
        auditSeq: 0,
      },
    }),
  );

const mark = async (chainId: string) =>
  (
    await local.doc.send(
      new GetCommand({
        TableName: TABLE,
        Key: { pk: `SEALQ#${sealShardOf(chainId)}`, sk: chainId },
        ConsistentRead: true,
      }),
    )
  ).Item;

const deps = () => ({
  chains,
  checkpoints: new LocalCheckpointStore(auditDir),
  signer: new LocalCheckpointSigner(auditDir),
  keys: new LocalPublicKeys(auditDir),
  now: () => new Date('2026-11-25T08:00:00Z'),
});

afterAll(() => {
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

/** Each test: its own table, signing key and checkpoint folder. */
beforeEach(async () => {
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  auditDir = mkdtempSync(path.join(tmpdir(), 'relief-seal-'));
  TABLE = local.table;
  repo = new DynamoApplicationRepository(local.doc, TABLE);
  quotas = new DynamoQuotaLedger(local.doc, TABLE);
  chains = new DynamoAuditChainStore(local.doc, TABLE);
});

describe('pending-seal marks', () => {
  it('are written with each application audit entry, in the same transaction', async () => {
    const app = record();
    await repo.create(app, audit('application.created'));
    expect(await mark(applicationChainId(app.id))).toMatchObject({
      chainId: applicationChainId(app.id),
      seq: 1,
    });
    await repo.update(app.id, (current) => ({
      next: { ...current, version: 2 },
      audit: audit('application.updated'),
    }));
    expect(await mark(applicationChainId(app.id))).toMatchObject({ seq: 2 });
  });

  it('are written with each quota allocation', async () => {
    await quotas.allocate('seal-test', 'BJ', 1000, audit('quota.allocated'));
    expect(await mark(quotaChainId('seal-test', 'BJ'))).toMatchObject({ seq: 1 });
  });

  it('are cleared by the seal, but not when a newer change re-marked the chain', async () => {
    const id = await application();
    const chainId = applicationChainId(id);
    await chains.clearPending([{ chainId, seq: 1 }]);
    expect(await mark(chainId)).toMatchObject({ seq: 2 });
    await chains.clearPending([{ chainId, seq: 2 }]);
    expect(await mark(chainId)).toBeUndefined();
  });
});

describe('sealing and verifying against DynamoDB Local', () => {
  it('seals the changed application and quota chains, then nothing until the next change', async () => {
    const id = await application(2);
    await quotas.allocate('seal-test-2', 'SH', 5000, audit('quota.allocated'));
    const first = await sealAuditTrail(deps());
    expect(first.refused).toEqual([]);
    expect(first.checkpoint?.seq).toBe(1);
    const cp = await deps().checkpoints.latest();
    expect(cp?.leaves).toContainEqual(expect.objectContaining({ chainId: applicationChainId(id), seq: 3 }));
    expect(cp?.leaves).toContainEqual(
      expect.objectContaining({ chainId: quotaChainId('seal-test-2', 'SH'), seq: 1 }),
    );
    expect(await mark(applicationChainId(id))).toBeUndefined();
    expect((await sealAuditTrail(deps())).checkpoint).toBeUndefined();

    await repo.update(id, (current) => ({
      next: { ...current, version: current.version + 1 },
      audit: audit('x'),
    }));
    const second = await sealAuditTrail(deps());
    expect(second.checkpoint?.seq).toBe(2);
    expect((await deps().checkpoints.latest())?.leaves.map((l) => l.chainId)).toEqual([
      applicationChainId(id),
    ]);
    expect(await verifyAuditTrailInStores(deps())).toMatchObject({ ok: true, checkpoints: 2 });
  });

  it('catches entries rewritten with the chain and the head recomputed (a table administrator)', async () => {
    const id = await application(2);
    await sealAuditTrail(deps());
    const chainId = applicationChainId(id);
    const state = await chains.readChain(chainId);
    let prev = GENESIS_HASH;
    for (const e of state?.entries ?? []) {
      const content =
        e.seq === 2 ? { ...e, actor: { ...e.actor, sub: 'someone-else' }, detail: { comment: '改' } } : e;
      const resealed: ChainedAuditEntry = sealEntry(content, prev);
      await local.doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: `APP#${id}`,
            sk: `AUDIT#${String(e.seq).padStart(10, '0')}`,
            entity: 'audit',
            ...resealed,
          },
        }),
      );
      prev = resealed.hash;
    }
    await local.doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `APP#${id}`, sk: 'APP' },
        UpdateExpression: 'SET auditHead = :h',
        ExpressionAttributeValues: { ':h': prev },
      }),
    );
    const report = await verifyAuditTrailInStores(deps(), { chainIds: [chainId] });
    expect(report.divergence).toMatchObject({
      code: 'SEALED_ENTRY_MISMATCH',
      chainId,
      checkpointSeq: 1,
      seq: 3,
    });
    expect((await verifyAuditTrailInStores(deps())).ok).toBe(false);
  });

  it('seals a document chain by its own mark, and catches its entry rewritten with the head recomputed', async () => {
    const id = await application(0);
    const documentId = await uploadedDocument(id, 0);
    const chainId = documentChainId(id, documentId);
    expect(await mark(chainId)).toMatchObject({ seq: 2 });
    const sealed = await sealAuditTrail(deps());
    expect(sealed.refused).toEqual([]);
    expect((await deps().checkpoints.latest())?.leaves).toContainEqual(
      expect.objectContaining({ chainId, seq: 2 }),
    );
    expect(await verifyAuditTrailInStores(deps())).toMatchObject({ ok: true });
    // Found by a full scan too (the document item and its entries).
    expect(await chains.scanChainIds()).toContain(chainId);

    const state = await chains.readChain(chainId);
    let prev = GENESIS_HASH;
    for (const e of state?.entries ?? []) {
      const content = e.seq === 1 ? { ...e, detail: { sha256: 'b'.repeat(64) } } : e;
      const resealed: ChainedAuditEntry = sealEntry(content, prev);
      await local.doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: `APP#${id}`,
            sk: `DOCAUDIT#${documentId}#${String(e.seq).padStart(10, '0')}`,
            entity: 'audit',
            documentId,
            ...resealed,
          },
        }),
      );
      prev = resealed.hash;
    }
    await local.doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `APP#${id}`, sk: `DOC#${documentId}` },
        UpdateExpression: 'SET auditHead = :h',
        ExpressionAttributeValues: { ':h': prev },
      }),
    );
    const report = await verifyAuditTrailInStores(deps(), { chainIds: [chainId] });
    expect(report.divergence).toMatchObject({ code: 'SEALED_ENTRY_MISMATCH', chainId, checkpointSeq: 1 });
    expect((await verifyAuditTrailInStores(deps())).ok).toBe(false);
  });

  it('marks no grant, seals a granted-then-uploaded chain whole by its upload mark, and a never-uploaded one once retired', async () => {
    const id = await application(0);
    const grant = (documentId: string) => ({
      applicationId: id,
      documentId,
      type: 'identity' as const,
      contentType: 'application/pdf',
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      status: 'pending' as const,
      s3Key: `applications/${id}/documents/${documentId}`,
      createdAt: '2026-11-25T00:00:00.000Z',
      createdBy: 'clerk',
      uploadedAt: null,
      rejectedReason: null,
      submissionSeqAtGrant: 0,
    });
    const [uploaded, abandoned] = await repo.addDocuments([
      { doc: grant(`DU${id.slice(2)}`), audit: audit('document.requested') },
      { doc: grant(`DN${id.slice(2)}`), audit: audit('document.requested') },
    ]);
    const uploadedChain = documentChainId(id, uploaded?.documentId as string);
    const abandonedChain = documentChainId(id, abandoned?.documentId as string);
    expect(await mark(uploadedChain)).toBeUndefined();
    expect(await mark(abandonedChain)).toBeUndefined();
    await repo.settleDocument(
      uploaded as never,
      { status: 'uploaded', at: '2026-11-25T00:01:00.000Z', reason: null },
      audit('document.uploaded'),
    );
    await repo.retirePendingUpload(abandoned as never);
    expect(await mark(abandonedChain)).toMatchObject({ seq: 1 });
    expect((await sealAuditTrail(deps())).refused).toEqual([]);
    const leaves = (await deps().checkpoints.latest())?.leaves;
    expect(leaves).toContainEqual(expect.objectContaining({ chainId: uploadedChain, seq: 2 }));
    expect(leaves).toContainEqual(expect.objectContaining({ chainId: abandonedChain, seq: 1 }));
    expect(await verifyAuditTrailInStores(deps())).toMatchObject({ ok: true });
  });

  it('reads an application and its documents with one Query of its partition, and clears their marks in one request', async () => {
    const id = await application(1);
    const documents = [
      await uploadedDocument(id, 1),
      await uploadedDocument(id, 2),
      await uploadedDocument(id, 3),
    ];
    const chainIds = [applicationChainId(id), ...documents.map((d) => documentChainId(id, d))];
    const requests = await requestsOf(local.doc, () => sealAuditTrail(deps()));
    expect((await deps().checkpoints.latest())?.leaves.map((l) => l.chainId).sort()).toEqual(chainIds.sort());
    // Beyond the 16 shard queries of the pending marks: one Query of APP#<id>, one transaction of deletes.
    expect(requests.filter((r) => !r.startsWith('Query SEALQ#'))).toEqual([
      `Query APP#${id}`,
      'TransactWriteItems ',
    ]);
    for (const chainId of chainIds) expect(await mark(chainId)).toBeUndefined();
    expect(await verifyAuditTrailInStores(deps())).toMatchObject({ ok: true, chains: 4 });
  });

  it('keeps the mark of a chain changed after the seal read it, and clears the others', async () => {
    const id = await application(0);
    const documentId = await uploadedDocument(id, 1);
    const real = chains.readChains.bind(chains);
    // A change lands between the seal's read and its clearing: the chain's mark now names seq 3.
    chains.readChains = async (ids) => {
      const read = await real(ids);
      await repo.update(id, (current) => ({
        next: { ...current, version: current.version + 1 },
        audit: audit('application.updated'),
      }));
      return read;
    };
    await sealAuditTrail(deps());
    chains.readChains = real;
    expect(await mark(applicationChainId(id))).toMatchObject({ seq: 2 });
    expect(await mark(documentChainId(id, documentId))).toBeUndefined();
    const next = await sealAuditTrail(deps());
    expect((await deps().checkpoints.latest())?.leaves).toEqual([
      expect.objectContaining({ chainId: applicationChainId(id), seq: 2 }),
    ]);
    expect(next.checkpoint?.seq).toBe(2);
  });

  it('refuses to seal a chain that does not verify, and leaves it pending', async () => {
    const id = await application(1);
    await local.doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `APP#${id}`, sk: 'AUDIT#0000000001' },
        UpdateExpression: 'SET actor.#s = :s',
        ExpressionAttributeNames: { '#s': 'sub' },
        ExpressionAttributeValues: { ':s': 'someone-else' },
      }),
    );
    const result = await sealAuditTrail(deps());
    expect(result.refused).toEqual([{ chainId: applicationChainId(id), reason: 'HASH_MISMATCH at seq 1' }]);
    expect(await mark(applicationChainId(id))).toMatchObject({ seq: 2 });
  });

  it('in --full mode finds a chain that bypassed the marks, and seals it with --full', async () => {
    await campaignRow('demo');
    const sealed = await application(0);
    const hidden = await application(0);
    await local.doc.send(
      new DeleteCommand({
        TableName: TABLE,
        Key: { pk: `SEALQ#${sealShardOf(applicationChainId(hidden))}`, sk: applicationChainId(hidden) },
      }),
    );
    const first = await sealAuditTrail(deps());
    expect(first.checkpoint?.treeSize).toBe(1);
    expect((await deps().checkpoints.latest())?.leaves[0]?.chainId).toBe(applicationChainId(sealed));
    // Without a scan the verifier sees what is sealed or pending only.
    expect(await verifyAuditTrailInStores(deps())).toMatchObject({ ok: true, chains: 1 });
    expect(await chains.scanChainIds()).toEqual(
      [applicationChainId(sealed), applicationChainId(hidden)].sort(),
    );
    expect(await chains.listChainIds()).toEqual(await chains.scanChainIds());
    expect((await verifyAuditTrailInStores(deps(), { full: true })).divergence).toMatchObject({
      code: 'CHAIN_NOT_SEALED',
      chainId: applicationChainId(hidden),
    });
    expect((await sealAuditTrail(deps(), { full: true })).checkpoint?.treeSize).toBe(2);
    expect(await verifyAuditTrailInStores(deps(), { full: true })).toMatchObject({
      ok: true,
      chains: 2,
      checkpoints: 2,
    });
  });

  it('seals in full through what the seal function is granted: no Scan (the access guard refuses one)', async () => {
    await campaignRow('demo');
    const id = await application(1);
    const documentId = await uploadedDocument(id, 1);
    await quotas.allocate('demo', 'BJ', 1000, audit('quota.allocated'));
    await sealAuditTrail(deps());
    // The seal function's client, under its spec's grant, as the local runner and IAM enforce it.
    const guarded = createLocalDynamoClients(local.dynamo.endpoint).doc;
    installAccessGuard(guarded, 'enforce');
    const guardedDeps = { ...deps(), chains: new DynamoAuditChainStore(guarded, TABLE) };
    await expect(
      runUnder(sealSpec.name, sealSpec.access, () =>
        new DynamoAuditChainStore(guarded, TABLE).scanChainIds(),
      ),
    ).rejects.toThrow(/Scan is not granted/);
    const full = await runUnder(sealSpec.name, sealSpec.access, () =>
      sealAuditTrail(guardedDeps, { full: true }),
    );
    expect(full.refused).toEqual([]);
    expect((await deps().checkpoints.latest())?.leaves.map((l) => l.chainId).sort()).toEqual(
      [applicationChainId(id), documentChainId(id, documentId), quotaChainId('demo', 'BJ')].sort(),
    );
    expect(await verifyAuditTrailInStores(deps(), { full: true })).toMatchObject({ ok: true });
  });
});
