import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChainedAuditEntry, GENESIS_HASH, sealEntry } from '../../../functions/domain/audit-chain.ts';
import type { ChainState, SignedCheckpoint } from '../../../functions/domain/audit-seal.ts';
import type {
  AuditChainStore,
  CheckpointSigner,
  CheckpointStore,
  PendingSeal,
  PublicKeyResolver,
} from '../../../functions/ports/audit-seal.ts';
import { CheckpointConflictError } from '../../../functions/usecases/audit-seal.ts';
import { sealAuditTrail } from '../../../functions/usecases/seal-audit-trail.ts';
import { verifyAuditTrailInStores } from '../../../functions/usecases/verify-audit-trail-in-stores.ts';

/** The sealer and verifier use cases against in-memory stores (style §16). */

function chain(chainId: string, length: number): ChainState {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const e = sealEntry(
      {
        seq,
        at: '2026-01-01T00:00:00.000Z',
        actor: { sub: 'u', court: 'BJ0105', roles: ['clerk'] },
        action: 'a',
        fromStatus: null,
        toStatus: null,
        detail: { n: seq },
      },
      prev,
    );
    entries.push(e);
    prev = e.hash;
  }
  return { chainId, entries, head: { seq: length, hash: prev } };
}

class MemoryChains implements AuditChainStore {
  readonly chains = new Map<string, ChainState>();
  readonly pending = new Map<string, number>();
  limits: number[] = [];
  put(state: ChainState) {
    this.chains.set(state.chainId, state);
    this.pending.set(state.chainId, state.head?.seq ?? 0);
  }
  async pendingSeals(limit: number): Promise<PendingSeal[]> {
    this.limits.push(limit);
    return [...this.pending].slice(0, limit).map(([chainId, seq]) => ({ chainId, seq }));
  }
  async listChainIds() {
    return [...this.chains.keys()].sort();
  }
  async scanChainIds() {
    return this.listChainIds();
  }
  async readChains(ids: readonly string[]) {
    const out = new Map<string, ChainState>();
    for (const id of ids) {
      const state = this.chains.get(id);
      if (state) out.set(id, structuredClone(state));
    }
    return out;
  }
  async clearPending(sealed: readonly PendingSeal[]) {
    for (const { chainId, seq } of sealed)
      if ((this.pending.get(chainId) ?? Number.POSITIVE_INFINITY) <= seq) this.pending.delete(chainId);
  }
}

class MemoryCheckpoints implements CheckpointStore {
  readonly items: SignedCheckpoint[] = [];
  /** Called before each create: lets a test play a concurrent sealer. */
  beforeCreate: (cp: SignedCheckpoint) => void = () => {};
  async latest() {
    return this.items.at(-1);
  }
  async create(cp: SignedCheckpoint) {
    this.beforeCreate(cp);
    if (this.items.some((c) => c.seq === cp.seq)) return false;
    this.items.push(cp);
    return true;
  }
  async list() {
    return [...this.items];
  }
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }) as string;
class TestSigner implements CheckpointSigner {
  calls = 0;
  async keyId() {
    return 'test-key';
  }
  async sign(message: Uint8Array) {
    this.calls++;
    return sign('sha256', message, privateKey).toString('base64');
  }
}
const keys: PublicKeyResolver = { publicKeyPem: async (id) => (id === 'test-key' ? PEM : undefined) };

function setup() {
  const chains = new MemoryChains();
  const checkpoints = new MemoryCheckpoints();
  const signer = new TestSigner();
  return { chains, checkpoints, signer, keys, now: () => new Date('2026-01-01T08:00:00Z') };
}

describe('sealAuditTrail', () => {
  it('writes nothing and signs nothing when no chain changed', async () => {
    const deps = setup();
    expect(await sealAuditTrail(deps)).toEqual({ refused: [] });
    expect(deps.signer.calls).toBe(0);
    expect(deps.checkpoints.items).toEqual([]);
  });

  it('seals the pending chains into one checkpoint, clears them, and the result verifies', async () => {
    const deps = setup();
    deps.chains.put(chain('application/B', 3));
    deps.chains.put(chain('application/A', 1));
    const result = await sealAuditTrail(deps);
    expect(result.checkpoint).toMatchObject({
      seq: 1,
      treeSize: 2,
      keyId: 'test-key',
      sealedAt: '2026-01-01T08:00:00.000Z',
    });
    expect(deps.checkpoints.items[0]?.leaves.map((l) => [l.chainId, l.seq])).toEqual([
      ['application/A', 1],
      ['application/B', 3],
    ]);
    expect(deps.chains.pending.size).toBe(0);
    expect(await verifyAuditTrailInStores(deps)).toMatchObject({
      ok: true,
      checkpoints: 1,
      chains: 2,
      sealedLeaves: 2,
    });
  });

  it('builds on a checkpoint a concurrent sealer wrote first, instead of forking the checkpoints', async () => {
    const deps = setup();
    deps.chains.put(chain('application/A', 1));
    await sealAuditTrail(deps);
    deps.chains.put(chain('application/B', 1));
    let raced = false;
    deps.checkpoints.beforeCreate = (cp) => {
      if (raced) return;
      raced = true;
      deps.checkpoints.items.push({ ...cp }); // another sealer's #2, with the same content
    };
    const result = await sealAuditTrail(deps);
    expect(result.checkpoint?.seq).toBe(3);
    expect(deps.checkpoints.items.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(await verifyAuditTrailInStores(deps)).toMatchObject({ ok: true, checkpoints: 3 });
  });

  it('gives up with CheckpointConflictError when the next seq is always taken, leaving the chains pending', async () => {
    const deps = setup();
    deps.chains.put(chain('application/A', 1));
    deps.checkpoints.create = async () => false;
    await expect(sealAuditTrail(deps)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(deps.chains.pending.has('application/A')).toBe(true);
  });

  it('refuses a chain that does not verify against its head, and leaves it pending', async () => {
    const deps = setup();
    deps.chains.put(chain('application/A', 2));
    const broken = chain('application/B', 2);
    (broken.entries[0] as ChainedAuditEntry).detail = { n: 'edited' };
    deps.chains.put(broken);
    const result = await sealAuditTrail(deps);
    expect(result.refused).toEqual([{ chainId: 'application/B', reason: 'HASH_MISMATCH at seq 1' }]);
    expect(deps.checkpoints.items[0]?.leaves.map((l) => l.chainId)).toEqual(['application/A']);
    expect([...deps.chains.pending.keys()]).toEqual(['application/B']);
  });

  it('seals the head read, not entries written after it', async () => {
    const deps = setup();
    const state = chain('application/A', 3);
    deps.chains.put({ ...state, head: { seq: 2, hash: (state.entries[1] as ChainedAuditEntry).hash } });
    await sealAuditTrail(deps);
    expect(deps.checkpoints.items[0]?.leaves[0]).toMatchObject({ chainId: 'application/A', seq: 2 });
  });

  it('asks for at most maxLeaves pending chains', async () => {
    const deps = setup();
    await sealAuditTrail(deps, { maxLeaves: 7 });
    expect(deps.chains.limits).toEqual([7]);
  });
});
