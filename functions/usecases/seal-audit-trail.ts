import { verifyChain } from '../domain/audit-chain.ts';
import { buildCheckpointBody, checkpointMessage, type SealLeaf } from '../domain/audit-seal.ts';
import {
  CheckpointConflictError,
  MAX_LEAVES_PER_CHECKPOINT,
  type SealDeps,
  type SealResult,
} from './audit-seal.ts';

const CREATE_ATTEMPTS = 5;

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
