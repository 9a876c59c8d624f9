import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChainedAuditEntry, GENESIS_HASH, sealEntry } from '../../../functions/domain/audit-chain.ts';
import {
  buildCheckpointBody,
  type ChainState,
  CheckpointError,
  checkpointHash,
  checkpointMessage,
  ecdsaP256Verifier,
  inclusionProof,
  leafHash,
  merkleRoot,
  type SealLeaf,
  type SignedCheckpoint,
  verifyAuditTrail,
  verifyInclusion,
} from '../../../functions/domain/audit-seal.ts';

const sha = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Buffer) => b.toString('hex');
const leafHashes = (n: number) => Array.from({ length: n }, (_, i) => hex(sha(`leaf ${i}`)));

describe('Merkle tree (RFC 9162 hashing)', () => {
  it('hashes the empty tree as SHA-256 of nothing and a one-leaf tree as that leaf', () => {
    expect(merkleRoot([])).toBe(hex(sha('')));
    const [a] = leafHashes(1);
    expect(merkleRoot([a as string])).toBe(a);
  });

  it('splits at the largest power of two below n: root(a,b,c) = H(1‖H(1‖a‖b)‖c)', () => {
    const [a, b, c] = leafHashes(3).map((h) => Buffer.from(h, 'hex')) as [Buffer, Buffer, Buffer];
    const one = Buffer.from([1]);
    expect(merkleRoot(leafHashes(3))).toBe(hex(sha(one, sha(one, a, b), c)));
    const [, , , d, e] = leafHashes(5).map((h) => Buffer.from(h, 'hex')) as Buffer[];
    const left = sha(one, sha(one, a, b), sha(one, c, d as Buffer));
    expect(merkleRoot(leafHashes(5))).toBe(hex(sha(one, left, e as Buffer)));
  });

  it('hashes a leaf as SHA-256(0x00 ‖ canonical JSON), so a leaf is never a node', () => {
    const leaf = { chainId: 'application/A', seq: 3, headHash: 'f'.repeat(64) };
    expect(leafHash(leaf)).toBe(
      hex(sha(Buffer.from([0]), `{"chainId":"application/A","headHash":"${'f'.repeat(64)}","seq":3}`)),
    );
    expect(leafHash({ ...leaf, seq: 4 })).not.toBe(leafHash(leaf));
    expect(leafHash({ ...leaf, chainId: 'application/B' })).not.toBe(leafHash(leaf));
    expect(leafHash({ ...leaf, headHash: 'e'.repeat(64) })).not.toBe(leafHash(leaf));
  });

  it('refuses a proof too short for the tree size, even when it reaches the root', () => {
    const [a, b] = leafHashes(2) as [string, string];
    // With no proof the leaf "is" the root: only the tree size tells that a sibling is missing.
    expect(verifyInclusion(a, 0, 2, [], a)).toBe(false);
    expect(verifyInclusion(a, 0, 1, [], a)).toBe(true);
    expect(verifyInclusion(a, 0, 2, [b], merkleRoot([a, b]))).toBe(true);
  });

  it('proves the inclusion of every leaf of every tree size, and of nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, pick) => {
        const hashes = leafHashes(n);
        const root = merkleRoot(hashes);
        const index = pick % n;
        const proof = inclusionProof(index, hashes);
        expect(verifyInclusion(hashes[index] as string, index, n, proof, root)).toBe(true);
        expect(verifyInclusion(hex(sha('other')), index, n, proof, root)).toBe(false);
        if (n > 1) {
          expect(verifyInclusion(hashes[index] as string, (index + 1) % n, n, proof, root)).toBe(false);
          expect(verifyInclusion(hashes[index] as string, index, n, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(hashes[index] as string, index, n, proof, merkleRoot(hashes.slice(1)))).toBe(
            false,
          );
        }
        expect(verifyInclusion(hashes[index] as string, n, n, proof, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey };
}
const KEY = keyPair();
const KEY_ID = 'local:p256:test';
const checkSignature = ecdsaP256Verifier(new Map([[KEY_ID, KEY.publicKey]]));

function signed(
  previous: SignedCheckpoint | undefined,
  leaves: SealLeaf[],
  key: KeyObject = KEY.privateKey,
  at = '2026-01-15T08:00:00.000Z',
): SignedCheckpoint {
  const body = buildCheckpointBody({ previous, sealedAt: at, leaves, keyId: KEY_ID });
  return { ...body, signature: sign('sha256', checkpointMessage(body), key).toString('base64') };
}

const actor = (sub: string) => ({ sub, court: 'BJ0105', roles: ['clerk'] });

function chainOf(chainId: string, comments: string[], who = 'clerk-zhang'): ChainState {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  comments.forEach((comment, i) => {
    const e = sealEntry(
      {
        seq: i + 1,
        at: `2026-01-15T0${i}:00:00.000Z`,
        actor: actor(who),
        action: i === 0 ? 'application.created' : 'decision.approve',
        fromStatus: null,
        toStatus: null,
        detail: { comment },
      },
      prev,
    );
    entries.push(e);
    prev = e.hash;
  });
  const last = entries.at(-1);
  return { chainId, entries, head: { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH } };
}

const leafOf = (c: ChainState): SealLeaf => ({
  chainId: c.chainId,
  seq: c.head?.seq ?? 0,
  headHash: c.head?.hash ?? '',
});

/** What an administrator with table write access can do: rewrite entry `seq`, recompute the rest and the head. */
function rewritten(c: ChainState, seq: number, change: { sub?: string; comment?: string }): ChainState {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (const e of c.entries) {
    const content =
      e.seq === seq
        ? {
            ...e,
            actor: change.sub ? actor(change.sub) : e.actor,
            detail: change.comment ? { comment: change.comment } : e.detail,
          }
        : e;
    const resealed = sealEntry(content, prev);
    entries.push(resealed);
    prev = resealed.hash;
  }
  const last = entries.at(-1);
  return { chainId: c.chainId, entries, head: { seq: last?.seq ?? 0, hash: last?.hash ?? '' } };
}

/** Two checkpoints: #1 seals A (2 entries) and Q; #2 seals A again (4 entries) and B. */
function scenario() {
  const a2 = chainOf('application/A', ['建档', '同意']);
  const q = chainOf('quota/demo/BJ', ['分配']);
  const cp1 = signed(undefined, [leafOf(a2), leafOf(q)]);
  const a = chainOf('application/A', ['建档', '同意', '同意', '同意']);
  const b = chainOf('application/B', ['建档']);
  const cp2 = signed(cp1, [leafOf(a), leafOf(b)], KEY.privateKey, '2026-01-15T09:00:00.000Z');
  const chains = new Map([a, b, q].map((c) => [c.chainId, c]));
  return { checkpoints: [cp1, cp2], chains, a, b, q };
}

describe('checkpoints', () => {
  it('orders leaves by chain id, chains each checkpoint onto the previous one and signs the canonical body', () => {
    const { checkpoints } = scenario();
    const [cp1, cp2] = checkpoints as [SignedCheckpoint, SignedCheckpoint];
    expect(cp1.seq).toBe(1);
    expect(cp1.previousHash).toBe(GENESIS_HASH);
    expect(cp1.leaves.map((l) => l.chainId)).toEqual(['application/A', 'quota/demo/BJ']);
    expect(cp2.seq).toBe(2);
    expect(cp2.previousHash).toBe(checkpointHash(cp1));
    expect(cp2.root).toBe(merkleRoot(cp2.leaves.map(leafHash)));
    expect(cp2.treeSize).toBe(2);
    expect(checkSignature(KEY_ID, checkpointMessage(cp2), cp2.signature)).toBe(true);
    // The signature covers the body only, whatever else a stored object carries.
    expect(checkpointMessage({ ...cp2, extra: 1 } as SignedCheckpoint)).toEqual(checkpointMessage(cp2));
  });

  it('refuses a chain twice in one checkpoint', () => {
    const leaf = { chainId: 'application/A', seq: 1, headHash: 'a'.repeat(64) };
    expect(() =>
      buildCheckpointBody({ previous: undefined, sealedAt: 'x', leaves: [leaf, leaf], keyId: KEY_ID }),
    ).toThrow(CheckpointError);
  });

  it('verifies signatures only with the named, known key', () => {
    const { checkpoints } = scenario();
    const cp = checkpoints[0] as SignedCheckpoint;
    expect(checkSignature(KEY_ID, checkpointMessage(cp), cp.signature)).toBe(true);
    expect(checkSignature('other', checkpointMessage(cp), cp.signature)).toBe(false);
    expect(checkSignature(KEY_ID, checkpointMessage({ ...cp, sealedAt: 'then' }), cp.signature)).toBe(false);
    expect(checkSignature(KEY_ID, checkpointMessage(cp), 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
  });
});

describe('verifyAuditTrail', () => {
  const verify = (
    s: ReturnType<typeof scenario>,
    extra: Partial<Parameters<typeof verifyAuditTrail>[0]> = {},
  ) => verifyAuditTrail({ checkpoints: s.checkpoints, chains: s.chains, checkSignature, ...extra });

  it('passes an untouched trail and counts what it checked', () => {
    const s = scenario();
    s.chains.set('application/B', chainOf('application/B', ['建档', '补正'])); // one entry newer than its seal
    expect(verify(s)).toEqual({
      ok: true,
      checkpoints: 2,
      chains: 3,
      entries: 7,
      sealedLeaves: 4,
      unsealedEntries: 1,
    });
  });

  it('catches an approval whose actor and comment were rewritten with the chain and head recomputed', () => {
    const s = scenario();
    s.chains.set('application/A', rewritten(s.a, 2, { sub: 'someone-else', comment: '不同意' }));
    const report = verify(s);
    expect(report.ok).toBe(false);
    expect(report.divergence).toMatchObject({
      code: 'SEALED_ENTRY_MISMATCH',
      chainId: 'application/A',
      checkpointSeq: 1,
      seq: 2,
    });
    expect(report.divergence?.message).toMatch(/between seq 1 and 2 was rewritten/);
  });

  it('narrows a rewrite after the first seal to the entries sealed since', () => {
    const s = scenario();
    s.chains.set('application/A', rewritten(s.a, 3, { comment: '改' }));
    expect(verify(s).divergence).toMatchObject({ code: 'SEALED_ENTRY_MISMATCH', checkpointSeq: 2, seq: 4 });
    expect(verify(s).divergence?.message).toMatch(/between seq 3 and 4/);
  });

  it('names the entry itself when the chain was edited without recomputing it', () => {
    const s = scenario();
    const edited = structuredClone(s.a);
    (edited.entries[2] as ChainedAuditEntry).actor.sub = 'someone-else';
    s.chains.set('application/A', edited);
    expect(verify(s).divergence).toMatchObject({ code: 'CHAIN_BROKEN', chainId: 'application/A', seq: 3 });
  });

  it('catches sealed entries removed (chain and head cut back)', () => {
    const s = scenario();
    const cut = structuredClone(s.a);
    cut.entries = cut.entries.slice(0, 3);
    cut.head = { seq: 3, hash: (cut.entries[2] as ChainedAuditEntry).hash };
    s.chains.set('application/A', cut);
    expect(verify(s).divergence).toMatchObject({ code: 'SEALED_ENTRY_MISSING', checkpointSeq: 2, seq: 4 });
  });

  it('catches a sealed chain deleted from the table', () => {
    const s = scenario();
    s.chains.delete('quota/demo/BJ');
    expect(verify(s).divergence).toMatchObject({ code: 'CHAIN_MISSING', chainId: 'quota/demo/BJ' });
  });

  it('reports the first divergence in chain id order', () => {
    const s = scenario();
    s.chains.set('application/B', rewritten(s.b, 1, { sub: 'x' }));
    s.chains.set('application/A', rewritten(s.a, 1, { sub: 'x' }));
    expect(verify(s).divergence?.chainId).toBe('application/A');
  });

  it('checks only the chains asked for', () => {
    const s = scenario();
    s.chains.set('application/A', rewritten(s.a, 1, { sub: 'x' }));
    expect(verify(s, { chainIds: ['application/B'] })).toMatchObject({ ok: true, chains: 1 });
    expect(verify(s, { chainIds: ['application/A'] }).divergence?.code).toBe('SEALED_ENTRY_MISMATCH');
  });

  it('catches a missing checkpoint', () => {
    const s = scenario();
    const cp3 = signed(s.checkpoints[1], [leafOf(s.b)]);
    expect(
      verify({ ...s, checkpoints: [s.checkpoints[0] as SignedCheckpoint, cp3] }).divergence,
    ).toMatchObject({
      code: 'CHECKPOINT_SEQUENCE_GAP',
      checkpointSeq: 3,
    });
  });

  it('catches a checkpoint that does not follow its predecessor, even when properly signed', () => {
    const s = scenario();
    const forged = signed(undefined, [leafOf(s.b)]);
    const second = { ...forged, seq: 2 };
    const resigned = {
      ...second,
      signature: sign('sha256', checkpointMessage(second), KEY.privateKey).toString('base64'),
    };
    expect(
      verify({ ...s, checkpoints: [s.checkpoints[0] as SignedCheckpoint, resigned] }).divergence,
    ).toMatchObject({
      code: 'CHECKPOINT_CHAIN_BROKEN',
      checkpointSeq: 2,
    });
  });

  it('catches an edited checkpoint: leaves changed (signature) or root inconsistent (malformed)', () => {
    const s = scenario();
    const [cp1, cp2] = s.checkpoints as [SignedCheckpoint, SignedCheckpoint];
    const tampered = rewritten(s.a, 2, { sub: 'x' });
    const leaves = cp2.leaves.map((l) => (l.chainId === 'application/A' ? leafOf(tampered) : l));
    const edited = { ...cp2, leaves, root: merkleRoot(leaves.map(leafHash)) };
    expect(verify({ ...s, checkpoints: [cp1, edited] }).divergence?.code).toBe(
      'CHECKPOINT_SIGNATURE_INVALID',
    );
    expect(verify({ ...s, checkpoints: [cp1, { ...cp2, leaves }] }).divergence?.code).toBe(
      'CHECKPOINT_MALFORMED',
    );
  });

  it('refuses a checkpoint signed by another key under the same key id', () => {
    const s = scenario();
    const other = keyPair();
    const cp1 = signed(undefined, s.checkpoints[0]?.leaves ?? [], other.privateKey);
    expect(verify({ ...s, checkpoints: [cp1] }).divergence?.code).toBe('CHECKPOINT_SIGNATURE_INVALID');
  });

  it('in full mode, fails on a chain neither sealed nor pending, and accepts a pending one', () => {
    const s = scenario();
    s.chains.set('application/C', chainOf('application/C', ['建档']));
    expect(verify(s).ok).toBe(true);
    expect(verify(s, { requireSealed: true }).divergence).toMatchObject({
      code: 'CHAIN_NOT_SEALED',
      chainId: 'application/C',
    });
    expect(verify(s, { requireSealed: true, unsealedAllowed: new Set(['application/C']) }).ok).toBe(true);
  });

  it('still verifies an unsealed chain on its own (against the head on its row)', () => {
    const s = scenario();
    const c = chainOf('application/C', ['建档', '补正']);
    s.chains.set('application/C', { ...c, head: { seq: 1, hash: (c.entries[0] as ChainedAuditEntry).hash } });
    expect(verify(s).divergence).toMatchObject({ code: 'CHAIN_BROKEN', chainId: 'application/C', seq: 2 });
  });
});
