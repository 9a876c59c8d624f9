import { verifyChain } from '../domain/audit-chain.ts';
import {
  buildCheckpointBody,
  type ChainState,
  checkpointMessage,
  ecdsaP256Verifier,
  type SealLeaf,
  type VerificationReport,
  verifyAuditTrail,
} from '../domain/audit-seal.ts';
import type {
  AuditChainStore,
  CheckpointSigner,
  CheckpointStore,
  PublicKeyResolver,
} from '../ports/audit-seal.ts';

/**
 * Sealing (periodically and on demand) and verifying the audit trail against the signed checkpoints
 * (functions/domain/audit-seal.ts). The sealer seals what changed since the last seal; the verifier
 * trusts nothing in the table: it recomputes every chain and compares it with the checkpoints.
 */

export interface SealDeps {
  chains: AuditChainStore;
  checkpoints: CheckpointStore;
  signer: CheckpointSigner;
  now: () => Date;
}

export interface SealResult {
  /** The checkpoint written, unless nothing had changed. */
  checkpoint?: { seq: number; treeSize: number; root: string; keyId: string; sealedAt: string };
  /** Chains that were due but not sealed: their stored chain does not verify (left pending, reported). */
  refused: { chainId: string; reason: string }[];
}

/** Chains sealed per checkpoint at most; the rest stay pending for the next run. */
export const MAX_LEAVES_PER_CHECKPOINT = 5000;
const CREATE_ATTEMPTS = 5;

export class CheckpointConflictError extends Error {
  override name = 'CheckpointConflictError';
}

/**
 * Seals the heads of the chains changed since the last seal (`full`: of every chain in the table, found
 * through the partitions and the index the sealer is granted — for the first seal of existing data) into the next checkpoint. A chain whose stored entries
 * do not verify up to the head on its row is not sealed: it is returned in `refused` and stays pending.
 * Concurrent sealers cannot fork the checkpoints' chain: the store creates each seq once, the loser
 * rebuilds on top of the winner.
 */
export async function sealAuditTrail(
  deps: SealDeps,
  options: { full?: boolean; maxLeaves?: number } = {},
): Promise<SealResult> {
  const maxLeaves = options.maxLeaves ?? MAX_LEAVES_PER_CHECKPOINT;
  const due = options.full
    ? (await deps.chains.listChainIds()).slice(0, maxLeaves)
    : [...new Set((await deps.chains.pendingSeals(maxLeaves)).map((p) => p.chainId))];
  const refused: SealResult['refused'] = [];
  const leaves: SealLeaf[] = [];
  const read = await deps.chains.readChains(due);
  for (const chainId of due) {
    const chain = read.get(chainId);
    const head = chain?.head;
    if (!chain || !head || head.seq < 1) {
      refused.push({ chainId, reason: 'NO_HEAD' });
      continue;
    }
    // Entries newer than the head read are a change in flight: the head is what gets sealed.
    const verification = verifyChain(
      chain.entries.filter((e) => e.seq <= head.seq),
      { head },
    );
    if (!verification.valid) {
      refused.push({ chainId, reason: `${verification.reason} at seq ${verification.brokenAtSeq}` });
      continue;
    }
    leaves.push({ chainId, seq: head.seq, headHash: head.hash });
  }
  if (leaves.length === 0) return { refused };

  const keyId = await deps.signer.keyId();
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const previous = await deps.checkpoints.latest();
    const body = buildCheckpointBody({ previous, sealedAt: deps.now().toISOString(), leaves, keyId });
    const signature = await deps.signer.sign(checkpointMessage(body));
    if (await deps.checkpoints.create({ ...body, signature })) {
      await deps.chains.clearPending(leaves.map((leaf) => ({ chainId: leaf.chainId, seq: leaf.seq })));
      return {
        checkpoint: {
          seq: body.seq,
          treeSize: body.treeSize,
          root: body.root,
          keyId,
          sealedAt: body.sealedAt,
        },
        refused,
      };
    }
  }
  throw new CheckpointConflictError(
    `checkpoint store: another sealer kept taking the next seq (${CREATE_ATTEMPTS} attempts)`,
  );
}

export interface VerifyDeps {
  chains: AuditChainStore;
  checkpoints: CheckpointStore;
  keys: PublicKeyResolver;
}

/**
 * Verifies the trail: the checkpoints (their chain, roots and signatures), then each chain recomputed
 * from the table against every checkpoint leaf that seals it. By default the chains are those the
 * checkpoints seal plus those pending a seal (no scan); `chainIds` narrows it (e.g. one application);
 * `full` scans the table for every chain and also fails on a chain that is neither sealed nor pending.
 */
export async function verifyAuditTrailInStores(
  deps: VerifyDeps,
  options: { chainIds?: readonly string[]; full?: boolean } = {},
): Promise<VerificationReport> {
  const checkpoints = await deps.checkpoints.list();
  const keys = new Map<string, string>();
  for (const keyId of new Set(checkpoints.map((c) => c.keyId))) {
    const pem = await deps.keys.publicKeyPem(keyId);
    if (pem) keys.set(keyId, pem);
  }
  const pending = options.chainIds
    ? []
    : (await deps.chains.pendingSeals(Number.MAX_SAFE_INTEGER)).map((p) => p.chainId);
  const sealed = checkpoints.flatMap((c) => c.leaves.map((l) => l.chainId));
  const ids = options.chainIds
    ? [...options.chainIds]
    : [...new Set([...sealed, ...pending, ...(options.full ? await deps.chains.scanChainIds() : [])])];
  const chains: Map<string, ChainState> = await deps.chains.readChains(ids);
  return verifyAuditTrail({
    checkpoints,
    chains,
    checkSignature: ecdsaP256Verifier(keys),
    ...(options.chainIds ? { chainIds: options.chainIds } : {}),
    requireSealed: options.full === true,
    unsealedAllowed: new Set(pending),
  });
}
