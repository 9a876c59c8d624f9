/**
 * Sealed audit checkpoints (全程留痕 beyond the database): the heads of the audit chains changed since
 * the last seal become the leaves of a Merkle tree (RFC 9162 hashing: leaf = SHA-256(0x00 ‖ leaf),
 * node = SHA-256(0x01 ‖ left ‖ right)); the root, the leaves and the previous checkpoint's hash form a
 * checkpoint that is signed with an asymmetric key (ECDSA P-256 / SHA-256) and written once to a store
 * nobody can overwrite. Whoever can write the table can recompute a chain and its head, but not the
 * signed checkpoints: verification recomputes every chain from the table and checks that each sealed
 * prefix is still the one a checkpoint holds, with its Merkle inclusion, the signatures and the
 * checkpoints' own chain, and reports the first divergence.
 *
 * Pure: no I/O, no clock (times are parameters). Signature verification takes the public keys as data.
 */
import { createHash, createPublicKey, type KeyObject, verify as verifySignatureBytes } from 'node:crypto';
import { type ChainedAuditEntry, canonicalJson, GENESIS_HASH, verifyChain } from './audit-chain.ts';

/** One sealed chain head: the chain (e.g. `application/<id>`), its last seq and that entry's hash. */
export interface SealLeaf {
  chainId: string;
  seq: number;
  headHash: string;
}

export const CHECKPOINT_VERSION = 1;
/** KMS SigningAlgorithm name; the signature is ASN.1 DER, as KMS returns it and node:crypto verifies it. */
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/** What is signed: everything of a checkpoint but the signature. */
export interface CheckpointBody {
  version: typeof CHECKPOINT_VERSION;
  /** 1, 2, 3…: the checkpoints form their own chain. */
  seq: number;
  sealedAt: string;
  /** `checkpointHash` of checkpoint seq-1; GENESIS_HASH for the first. */
  previousHash: string;
  treeSize: number;
  /** Merkle root (hex) over `leaves` in their order (sorted by chainId, each chain once). */
  root: string;
  leaves: SealLeaf[];
  /** The signing key (a KMS key ARN, or `local:p256:<fingerprint>` in local mode). */
  keyId: string;
  algorithm: typeof SIGNING_ALGORITHM;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Base64 of the DER-encoded ECDSA signature over `checkpointMessage(body)`. */
  signature: string;
}

const sha256 = (...parts: (Uint8Array | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// ---------------------------------------------------------------------------------------------
// Merkle tree (RFC 9162 §2.1)

/** Hex hash of a leaf: SHA-256(0x00 ‖ canonical JSON of { chainId, seq, headHash }). */
export function leafHash(leaf: SealLeaf): string {
  const canonical = canonicalJson({ chainId: leaf.chainId, seq: leaf.seq, headHash: leaf.headHash });
  return sha256(LEAF_PREFIX, Buffer.from(canonical, 'utf8')).toString('hex');
}

const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeHash(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0] as Buffer;
  const k = split(hashes.length);
  return nodeHash(subtreeHash(hashes.slice(0, k)), subtreeHash(hashes.slice(k)));
}

const buffers = (hex: readonly string[]) => hex.map((h) => Buffer.from(h, 'hex'));

/** Merkle tree head over leaf hashes (hex), in order. The empty tree's root is SHA-256(""). */
export function merkleRoot(leafHashes: readonly string[]): string {
  return subtreeHash(buffers(leafHashes)).toString('hex');
}

/** The inclusion proof (audit path, RFC 9162 §2.1.3.1) of the leaf at `index`. */
export function inclusionProof(index: number, leafHashes: readonly string[]): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`inclusionProof: index ${index} outside a tree of ${leafHashes.length}`);
  }
  const path = (m: number, hashes: readonly Buffer[]): Buffer[] => {
    if (hashes.length <= 1) return [];
    const k = split(hashes.length);
    return m < k
      ? [...path(m, hashes.slice(0, k)), subtreeHash(hashes.slice(k))]
      : [...path(m - k, hashes.slice(k)), subtreeHash(hashes.slice(0, k))];
  };
  return path(index, buffers(leafHashes)).map((b) => b.toString('hex'));
}

/** Verifies an inclusion proof against a root (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leaf: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  root: string,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leaf, 'hex');
  for (const p of proof) {
    if (sn === 0) return false;
    const sibling = Buffer.from(p, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(sibling, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === root;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Leaves in canonical order: sorted by chainId (UTF-16 code units), each chain at most once. */
export function orderLeaves(leaves: readonly SealLeaf[]): SealLeaf[] {
  const sorted = [...leaves]
    .map((l) => ({ chainId: l.chainId, seq: l.seq, headHash: l.headHash }))
    .sort((a, b) => (a.chainId < b.chainId ? -1 : a.chainId > b.chainId ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.chainId === sorted[i - 1]?.chainId) {
      throw new CheckpointError(`chain ${sorted[i]?.chainId} appears twice in one checkpoint`);
    }
  }
  return sorted;
}

/** The next checkpoint's body, chained onto `previous` (undefined for the first). */
export function buildCheckpointBody(input: {
  previous: SignedCheckpoint | undefined;
  sealedAt: string;
  leaves: readonly SealLeaf[];
  keyId: string;
}): CheckpointBody {
  const leaves = orderLeaves(input.leaves);
  return {
    version: CHECKPOINT_VERSION,
    seq: (input.previous?.seq ?? 0) + 1,
    sealedAt: input.sealedAt,
    previousHash: input.previous ? checkpointHash(input.previous) : GENESIS_HASH,
    treeSize: leaves.length,
    root: merkleRoot(leaves.map(leafHash)),
    leaves,
    keyId: input.keyId,
    algorithm: SIGNING_ALGORITHM,
  };
}

/** Only the signed fields (a stored checkpoint may carry more, e.g. the signature). */
export function bodyOf(checkpoint: CheckpointBody): CheckpointBody {
  const { version, seq, sealedAt, previousHash, treeSize, root, leaves, keyId, algorithm } = checkpoint;
  return { version, seq, sealedAt, previousHash, treeSize, root, leaves, keyId, algorithm };
}

/** The exact bytes that are signed: UTF-8 canonical JSON of the body. */
export function checkpointMessage(checkpoint: CheckpointBody): Buffer {
  return Buffer.from(canonicalJson(bodyOf(checkpoint)), 'utf8');
}

/** SHA-256 (hex) of the signed bytes: what the next checkpoint's `previousHash` holds. */
export function checkpointHash(checkpoint: CheckpointBody): string {
  return sha256(checkpointMessage(checkpoint)).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Verification

/** `true` iff `signature` (base64 DER) is `keyId`'s signature of `message`; unknown keys are false. */
export type SignatureCheck = (keyId: string, message: Buffer, signature: string) => boolean;

/** ECDSA P-256 / SHA-256 verification against known public keys (PEM SPKI), by key id. */
export function ecdsaP256Verifier(publicKeys: ReadonlyMap<string, string | KeyObject>): SignatureCheck {
  const keys = new Map<string, KeyObject>();
  for (const [id, key] of publicKeys) keys.set(id, typeof key === 'string' ? createPublicKey(key) : key);
  return (keyId, message, signature) => {
    const key = keys.get(keyId);
    if (!key) return false;
    try {
      return verifySignatureBytes('sha256', message, key, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  };
}

export type DivergenceCode =
  | 'CHECKPOINT_SEQUENCE_GAP'
  | 'CHECKPOINT_CHAIN_BROKEN'
  | 'CHECKPOINT_MALFORMED'
  | 'CHECKPOINT_SIGNATURE_INVALID'
  | 'CHAIN_MISSING'
  | 'CHAIN_BROKEN'
  | 'SEALED_ENTRY_MISSING'
  | 'SEALED_ENTRY_MISMATCH'
  | 'CHAIN_NOT_SEALED';

export interface Divergence {
  code: DivergenceCode;
  message: string;
  chainId?: string;
  checkpointSeq?: number;
  /** The chain entry at fault (or the sealed seq whose prefix no longer matches). */
  seq?: number;
}

/** A chain as the table holds it now: every entry in seq order, and the head kept on its row. */
export interface ChainState {
  chainId: string;
  entries: ChainedAuditEntry[];
  /** The head recorded on the chain's own row (application, quota); absent if the row is gone. */
  head?: { seq: number; hash: string };
}

export interface VerificationReport {
  ok: boolean;
  /** The first divergence: checkpoints in seq order first, then chains in chainId order. */
  divergence?: Divergence;
  checkpoints: number;
  chains: number;
  entries: number;
  /** Checkpoint leaves compared with the table. */
  sealedLeaves: number;
  /** Entries newer than their chain's last seal (sealed by the next run). */
  unsealedEntries: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The checkpoints' own chain, their roots and signatures; the first problem, or undefined. */
export function verifyCheckpoints(
  checkpoints: readonly SignedCheckpoint[],
  checkSignature: SignatureCheck,
): Divergence | undefined {
  let previous: SignedCheckpoint | undefined;
  for (const [i, cp] of checkpoints.entries()) {
    const at = { checkpointSeq: cp.seq };
    if (cp.seq !== i + 1) {
      return {
        code: 'CHECKPOINT_SEQUENCE_GAP',
        ...at,
        message: `checkpoint #${i + 1} is missing (the next one found is #${cp.seq})`,
      };
    }
    const expectedPrevious = previous ? checkpointHash(previous) : GENESIS_HASH;
    if (cp.previousHash !== expectedPrevious) {
      return {
        code: 'CHECKPOINT_CHAIN_BROKEN',
        ...at,
        message: `checkpoint #${cp.seq} does not follow checkpoint #${cp.seq - 1}: previousHash ${cp.previousHash}, expected ${expectedPrevious}`,
      };
    }
    const malformed = malformedCheckpoint(cp);
    if (malformed)
      return { code: 'CHECKPOINT_MALFORMED', ...at, message: `checkpoint #${cp.seq}: ${malformed}` };
    if (!checkSignature(cp.keyId, checkpointMessage(cp), cp.signature)) {
      return {
        code: 'CHECKPOINT_SIGNATURE_INVALID',
        ...at,
        message: `checkpoint #${cp.seq}: the signature does not verify with key ${cp.keyId}`,
      };
    }
    previous = cp;
  }
  return undefined;
}

function malformedCheckpoint(cp: SignedCheckpoint): string | undefined {
  if (cp.version !== CHECKPOINT_VERSION) return `unknown version ${String(cp.version)}`;
  if (cp.algorithm !== SIGNING_ALGORITHM) return `unknown algorithm ${String(cp.algorithm)}`;
  if (!Array.isArray(cp.leaves) || cp.treeSize !== cp.leaves.length)
    return `treeSize ${cp.treeSize} is not the number of leaves`;
  for (const [i, leaf] of cp.leaves.entries()) {
    if (typeof leaf?.chainId !== 'string' || !Number.isInteger(leaf.seq) || leaf.seq < 1) {
      return `leaf ${i} is malformed`;
    }
    if (typeof leaf.headHash !== 'string' || !HEX64.test(leaf.headHash)) return `leaf ${i} has no head hash`;
    const prior = cp.leaves[i - 1];
    if (prior && !(prior.chainId < leaf.chainId)) return `leaves are not in chainId order at ${i}`;
  }
  if (merkleRoot(cp.leaves.map(leafHash)) !== cp.root) return 'the root is not the Merkle root of its leaves';
  return undefined;
}

/** Where each chain was sealed: (checkpoint, leaf index) pairs in checkpoint order. */
export function sealsByChain(
  checkpoints: readonly SignedCheckpoint[],
): Map<string, { checkpoint: SignedCheckpoint; index: number }[]> {
  const out = new Map<string, { checkpoint: SignedCheckpoint; index: number }[]>();
  for (const checkpoint of checkpoints) {
    checkpoint.leaves.forEach((leaf, index) => {
      const list = out.get(leaf.chainId) ?? [];
      list.push({ checkpoint, index });
      out.set(leaf.chainId, list);
    });
  }
  return out;
}

/**
 * One chain against its seals: the chain must verify from genesis (anchored at its row's head), and
 * for every checkpoint leaf of it the entry at the sealed seq must still have the sealed hash — checked
 * by recomputing the leaf from the table and verifying its Merkle inclusion in the signed root.
 * Returns the earliest divergence (lowest seq), or undefined; `sealedSeq` is the last sealed seq.
 */
export function verifySealedChain(
  chain: ChainState | undefined,
  chainId: string,
  seals: readonly { checkpoint: SignedCheckpoint; index: number }[],
): { divergence?: Divergence; sealedSeq: number; length: number } {
  const sealedSeq = seals.reduce((max, s) => Math.max(max, s.checkpoint.leaves[s.index]?.seq ?? 0), 0);
  if (!chain || (chain.entries.length === 0 && !chain.head)) {
    return {
      sealedSeq,
      length: 0,
      divergence: {
        code: 'CHAIN_MISSING',
        chainId,
        ...(seals[0] ? { checkpointSeq: seals[0].checkpoint.seq } : {}),
        message: `${chainId} was sealed (last at seq ${sealedSeq}) but the table no longer holds it`,
      },
    };
  }
  const entries = chain.entries;
  const found: Divergence[] = [];
  const verification = verifyChain(entries, chain.head ? { head: chain.head } : {});
  if (!verification.valid) {
    found.push({
      code: 'CHAIN_BROKEN',
      chainId,
      seq: verification.brokenAtSeq,
      message: `${chainId}: the hash chain breaks at seq ${verification.brokenAtSeq} (${verification.reason})`,
    });
  }
  let lastGood = 0;
  for (const { checkpoint, index } of seals) {
    const sealed = checkpoint.leaves[index] as SealLeaf;
    const entry = entries[sealed.seq - 1];
    const where = `checkpoint #${checkpoint.seq} (sealed ${checkpoint.sealedAt})`;
    if (!entry || entry.seq !== sealed.seq) {
      found.push({
        code: 'SEALED_ENTRY_MISSING',
        chainId,
        checkpointSeq: checkpoint.seq,
        seq: sealed.seq,
        message: `${chainId}: entry ${sealed.seq}, sealed in ${where}, is no longer in the table (the chain holds ${entries.length})`,
      });
      break;
    }
    const fromTable: SealLeaf = { chainId, seq: sealed.seq, headHash: entry.hash };
    const proof = inclusionProof(index, checkpoint.leaves.map(leafHash));
    const included = verifyInclusion(leafHash(fromTable), index, checkpoint.treeSize, proof, checkpoint.root);
    if (entry.hash !== sealed.headHash || !included) {
      found.push({
        code: 'SEALED_ENTRY_MISMATCH',
        chainId,
        checkpointSeq: checkpoint.seq,
        seq: sealed.seq,
        message:
          `${chainId}: the trail up to entry ${sealed.seq} is not the one sealed in ${where}: ` +
          `an entry between seq ${lastGood + 1} and ${sealed.seq} was rewritten (entry ${sealed.seq} hashes to ${entry.hash}, sealed ${sealed.headHash})`,
      });
      break;
    }
    lastGood = sealed.seq;
  }
  found.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { sealedSeq, length: entries.length, ...(found[0] ? { divergence: found[0] } : {}) };
}

/**
 * Verifies the checkpoints, then every chain of `chains` plus every sealed chain of `chainIds` (all
 * sealed chains when undefined). `unsealedAllowed` lists chains that may lack a seal (changed since the
 * last seal); any other chain of `chains` without a seal is CHAIN_NOT_SEALED when `requireSealed`.
 */
export function verifyAuditTrail(input: {
  checkpoints: readonly SignedCheckpoint[];
  chains: ReadonlyMap<string, ChainState>;
  checkSignature: SignatureCheck;
  /** Restrict the chain checks to these (e.g. one application); default every sealed and given chain. */
  chainIds?: readonly string[];
  requireSealed?: boolean;
  unsealedAllowed?: ReadonlySet<string>;
}): VerificationReport {
  const report: VerificationReport = {
    ok: true,
    checkpoints: input.checkpoints.length,
    chains: 0,
    entries: 0,
    sealedLeaves: 0,
    unsealedEntries: 0,
  };
  const fail = (divergence: Divergence): VerificationReport => ({ ...report, ok: false, divergence });
  const checkpointProblem = verifyCheckpoints(input.checkpoints, input.checkSignature);
  if (checkpointProblem) return fail(checkpointProblem);

  const seals = sealsByChain(input.checkpoints);
  const ids = input.chainIds
    ? [...new Set(input.chainIds)]
    : [...new Set([...seals.keys(), ...input.chains.keys()])];
  ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const chainId of ids) {
    const chainSeals = seals.get(chainId) ?? [];
    const chain = input.chains.get(chainId);
    if (chainSeals.length === 0 && !chain) continue; // asked for, but neither sealed nor in the table
    report.chains += 1;
    if (chainSeals.length === 0 && chain) {
      report.entries += chain.entries.length;
      report.unsealedEntries += chain.entries.length;
      const own = verifySealedChain(chain, chainId, []);
      if (own.divergence) return fail(own.divergence);
      if (input.requireSealed && !input.unsealedAllowed?.has(chainId)) {
        return fail({
          code: 'CHAIN_NOT_SEALED',
          chainId,
          message: `${chainId} holds ${chain.entries.length} entries but no checkpoint seals it and no seal is pending for it`,
        });
      }
      continue;
    }
    const result = verifySealedChain(chain, chainId, chainSeals);
    report.entries += result.length;
    report.sealedLeaves += chainSeals.length;
    report.unsealedEntries += Math.max(0, result.length - result.sealedSeq);
    if (result.divergence) return fail(result.divergence);
  }
  return report;
}
