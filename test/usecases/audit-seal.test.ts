import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LocalCheckpointSigner,
  LocalCheckpointStore,
  LocalPublicKeys,
} from '../../functions/adapters/local/checkpoints.ts';
import { sealEntry } from '../../functions/domain/audit-chain.ts';
import type { ChainState } from '../../functions/domain/audit-seal.ts';
import type { AuditEntry } from '../../functions/ports/applications.ts';
import type { AuditChainStore, PendingSeal } from '../../functions/ports/audit-seal.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { sealAuditTrail } from '../../functions/usecases/seal-audit-trail.ts';
import { verifyAuditTrailInStores } from '../../functions/usecases/verify-audit-trail-in-stores.ts';
import { people, type World, world } from './world.ts';

/**
 * Sealing the trail of a world's applications into signed checkpoints and verifying it, with the
 * local checkpoint folder and P-256 key (functions/adapters/local/checkpoints.ts) in a temp directory.
 * The chains are the memory state's (each application's and each document's, the head on its row);
 * a chain is pending while its head is past its last seal, as the table marks it in the entry's write.
 */
class WorldChains implements AuditChainStore {
  readonly sealed = new Map<string, number>();
  /** Chains whose pending mark was lost (a write that marked nothing): invisible to pendingSeals. */
  readonly unmarked = new Set<string>();
  readonly limits: number[] = [];
  constructor(private readonly w: World) {}

  private all(): ChainState[] {
    const { state } = this.w;
    const out: ChainState[] = [];
    const ids = new Set([...state.audit.keys(), ...state.applications.keys()]);
    for (const id of ids) {
      const app = state.applications.get(id);
      out.push({
        chainId: `application/${id}`,
        entries: [...(state.audit.get(id)?.values() ?? [])].sort((a, b) => a.seq - b.seq),
        ...(app ? { head: { seq: app.auditSeq, hash: app.auditHead } } : {}),
      });
    }
    for (const [key, chain] of state.documentAudit) {
      const [id, documentId] = key.split('#') as [string, string];
      const doc = state.documents.get(id)?.get(documentId);
      out.push({
        chainId: `document/${id}/${documentId}`,
        entries: [...chain.values()].sort((a, b) => a.seq - b.seq),
        ...(doc?.auditSeq !== undefined ? { head: { seq: doc.auditSeq, hash: doc.auditHead ?? '' } } : {}),
      });
    }
    return out.sort((a, b) => (a.chainId < b.chainId ? -1 : 1));
  }
  async pendingSeals(limit: number): Promise<PendingSeal[]> {
    this.limits.push(limit);
    return this.all()
      .filter((c) => !this.unmarked.has(c.chainId) && (c.head?.seq ?? 0) > (this.sealed.get(c.chainId) ?? 0))
      .map((c) => ({ chainId: c.chainId, seq: c.head?.seq ?? 0 }))
      .slice(0, limit);
  }
  async listChainIds() {
    return this.all().map((c) => c.chainId);
  }
  async scanChainIds() {
    return this.listChainIds();
  }
  async readChains(ids: readonly string[]) {
    const byId = new Map(this.all().map((c) => [c.chainId, structuredClone(c)]));
    return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as ChainState] as const] : [])));
  }
  async clearPending(sealed: readonly PendingSeal[]) {
    for (const { chainId, seq } of sealed)
      this.sealed.set(chainId, Math.max(seq, this.sealed.get(chainId) ?? 0));
  }
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function sealed(options: { applications?: number } = {}) {
  const w = await world();
  const ids: string[] = [];
  for (let i = 0; i < (options.applications ?? 1); i++) ids.push(await w.submitted());
  const dir = await mkdtemp(path.join(tmpdir(), 'relief-seal-'));
  dirs.push(dir);
  const chains = new WorldChains(w);
  const deps = {
    chains,
    checkpoints: new LocalCheckpointStore(dir),
    signer: new LocalCheckpointSigner(dir),
    keys: new LocalPublicKeys(dir),
    now: w.now,
  };
  return { w, ids, dir, chains, deps };
}

const chainOf = (w: World, id: string) => w.state.audit.get(id) as Map<number, AuditEntry>;

describe('sealAuditTrail', () => {
  it('seals every changed chain of the world into one signed checkpoint on disk, then nothing until a change', async () => {
    const { w, ids, dir, deps } = await sealed();
    const result = await sealAuditTrail(deps);
    expect(result.refused).toEqual([]);
    expect(result.checkpoint).toMatchObject({ seq: 1, treeSize: 7, sealedAt: w.now().toISOString() });
    expect(result.checkpoint?.keyId).toMatch(/^local:p256:[0-9a-f]{16}$/);
    expect(await readdir(path.join(dir, 'checkpoints'))).toEqual(['000000000001.json']);
    const [checkpoint] = await deps.checkpoints.list();
    expect(checkpoint?.leaves).toContainEqual({
      chainId: `application/${ids[0]}`,
      seq: 2,
      headHash: w.state.applications.get(ids[0] as string)?.auditHead,
    });
    expect(await verifyAuditTrailInStores(deps)).toEqual({
      ok: true,
      checkpoints: 1,
      chains: 7,
      entries: 14,
      sealedLeaves: 7,
      unsealedEntries: 0,
    });

    expect(await sealAuditTrail(deps)).toEqual({ refused: [] });
    expect(await readdir(path.join(dir, 'checkpoints'))).toHaveLength(1);
  });

  it('seals only what changed since, on top of the last checkpoint', async () => {
    const { w, ids, deps } = await sealed();
    await sealAuditTrail(deps);
    await decideApplication(w.deps, people.basicApprover, ids[0] as string, {
      decision: 'approve',
      comment: '同意',
    });
    const next = await sealAuditTrail(deps);
    expect(next.checkpoint).toMatchObject({ seq: 2, treeSize: 1 });
    expect((await deps.checkpoints.latest())?.leaves).toEqual([
      {
        chainId: `application/${ids[0]}`,
        seq: 3,
        headHash: w.state.applications.get(ids[0] as string)?.auditHead,
      },
    ]);
    expect(await verifyAuditTrailInStores(deps)).toMatchObject({ ok: true, checkpoints: 2, sealedLeaves: 8 });
  });

  it('refuses a chain that does not verify up to its head, and leaves it pending for the next run', async () => {
    const { w, ids, deps, chains } = await sealed({ applications: 2 });
    const chain = chainOf(w, ids[0] as string);
    chain.set(1, { ...(chain.get(1) as AuditEntry), detail: { campaignId: 'edited' } });
    const result = await sealAuditTrail(deps);
    expect(result.refused).toEqual([{ chainId: `application/${ids[0]}`, reason: 'HASH_MISMATCH at seq 1' }]);
    expect(result.checkpoint?.treeSize).toBe(13);
    expect((await chains.pendingSeals(100)).map((p) => p.chainId)).toEqual([`application/${ids[0]}`]);
  });

  it('refuses a chain without a head (its row gone) found by a full seal, and seals at most maxLeaves', async () => {
    const { w, ids, deps, chains } = await sealed({ applications: 2 });
    w.state.applications.delete(ids[0] as string);
    const emptyHead = w.state.applications.get(ids[1] as string);
    if (emptyHead) emptyHead.auditSeq = 0;
    const full = await sealAuditTrail(deps, { full: true });
    expect(full.refused).toEqual([
      { chainId: `application/${ids[0]}`, reason: 'NO_HEAD' },
      { chainId: `application/${ids[1]}`, reason: 'NO_HEAD' },
    ]);
    expect(full.checkpoint?.treeSize).toBe(12);
    // A full seal finds the chains through the table, not through the pending marks.
    expect(chains.limits).toEqual([]);

    const other = await sealed();
    const few = await sealAuditTrail(other.deps, { full: true, maxLeaves: 2 });
    expect((await other.deps.checkpoints.latest())?.leaves.map((l) => l.chainId)).toEqual(
      (await other.chains.listChainIds()).slice(0, 2),
    );
    expect(few.checkpoint?.treeSize).toBe(2);
    await sealAuditTrail(other.deps, { maxLeaves: 3 });
    expect(other.chains.limits).toEqual([3]);
  });

  it('never forks the checkpoints when two sealers run at once (the folder creates each seq once)', async () => {
    const { w, ids, deps } = await sealed();
    await decideApplication(w.deps, people.basicApprover, ids[0] as string, {
      decision: 'approve',
      comment: '同意',
    });
    const [a, b] = await Promise.all([sealAuditTrail(deps), sealAuditTrail(deps)]);
    expect([a.checkpoint?.seq, b.checkpoint?.seq].sort()).toEqual([1, 2]);
    expect((await deps.checkpoints.list()).map((c) => c.seq)).toEqual([1, 2]);
    expect(await verifyAuditTrailInStores(deps)).toMatchObject({ ok: true, checkpoints: 2 });
  });
});

describe('verifyAuditTrailInStores', () => {
  it('finds an entry rewritten after its seal, whole chain and head included', async () => {
    const { w, ids, deps } = await sealed();
    await sealAuditTrail(deps);
    const id = ids[0] as string;
    const chain = chainOf(w, id);
    const first = chain.get(1) as AuditEntry;
    const forged = sealEntry({ ...first, detail: { campaignId: 'other' } }, first.prevHash);
    const second = chain.get(2) as AuditEntry;
    const reforged = sealEntry(second, forged.hash);
    chain.set(1, { ...first, ...forged } as AuditEntry);
    chain.set(2, { ...second, ...reforged } as AuditEntry);
    const app = w.state.applications.get(id);
    if (app) app.auditHead = reforged.hash;
    const report = await verifyAuditTrailInStores(deps);
    expect(report).toMatchObject({
      ok: false,
      divergence: { code: 'SEALED_ENTRY_MISMATCH', chainId: `application/${id}`, checkpointSeq: 1, seq: 2 },
    });
  });

  it('finds an edited entry as a broken chain, and a removed one as missing', async () => {
    const { w, ids, deps } = await sealed();
    await sealAuditTrail(deps);
    const chain = chainOf(w, ids[0] as string);
    const first = chain.get(1) as AuditEntry;
    chain.set(1, { ...first, detail: { campaignId: 'edited' } });
    expect((await verifyAuditTrailInStores(deps)).divergence).toMatchObject({ code: 'CHAIN_BROKEN', seq: 1 });
    chain.set(1, first);
    w.state.audit.delete(ids[0] as string);
    w.state.applications.delete(ids[0] as string);
    expect((await verifyAuditTrailInStores(deps)).divergence).toMatchObject({
      code: 'CHAIN_MISSING',
      chainId: `application/${ids[0]}`,
    });
  });

  it('narrows to the chains asked for', async () => {
    const { w, ids, deps } = await sealed({ applications: 2 });
    await sealAuditTrail(deps);
    const chain = chainOf(w, ids[0] as string);
    chain.set(1, { ...(chain.get(1) as AuditEntry), detail: { campaignId: 'edited' } });
    expect(await verifyAuditTrailInStores(deps, { chainIds: [`application/${ids[1]}`] })).toMatchObject({
      ok: true,
      chains: 1,
      entries: 2,
    });
    expect((await verifyAuditTrailInStores(deps)).ok).toBe(false);
  });

  it('allows a chain pending its seal; full also fails on one neither sealed nor pending', async () => {
    const { w, deps, chains } = await sealed();
    await sealAuditTrail(deps);
    const later = await w.submitted();
    expect(await verifyAuditTrailInStores(deps, { full: true })).toMatchObject({
      ok: true,
      unsealedEntries: 14,
    });
    chains.unmarked.add(`application/${later}`);
    expect((await verifyAuditTrailInStores(deps)).ok).toBe(true);
    expect(await verifyAuditTrailInStores(deps, { full: true })).toMatchObject({
      ok: false,
      divergence: { code: 'CHAIN_NOT_SEALED', chainId: `application/${later}` },
    });
  });

  it('trusts only the keys it knows: checkpoints signed by another key fail', async () => {
    const { deps } = await sealed();
    await sealAuditTrail(deps);
    const otherDir = await mkdtemp(path.join(tmpdir(), 'relief-keys-'));
    dirs.push(otherDir);
    await new LocalCheckpointSigner(otherDir).keyId(); // another data directory's key
    const report = await verifyAuditTrailInStores({ ...deps, keys: new LocalPublicKeys(otherDir) });
    expect(report).toMatchObject({
      ok: false,
      divergence: { code: 'CHECKPOINT_SIGNATURE_INVALID', checkpointSeq: 1 },
    });
  });
});
