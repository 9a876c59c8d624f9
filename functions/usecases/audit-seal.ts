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

export class CheckpointConflictError extends Error {
  override name = 'CheckpointConflictError';
}

export interface VerifyDeps {
  chains: AuditChainStore;
  checkpoints: CheckpointStore;
  keys: PublicKeyResolver;
}
