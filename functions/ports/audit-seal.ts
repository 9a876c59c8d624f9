import type { ChainState, SignedCheckpoint } from '../domain/audit-seal.ts';

/**
 * Ports of the audit sealer and its verifier (usecases/seal-audit-trail.ts,
 * verify-audit-trail-in-stores.ts). Chains live in the
 * table (adapters/dynamodb/audit-chains.ts); checkpoints in a write-once store (S3 Object Lock, or a
 * local folder); signatures come from an asymmetric key (KMS, or a local P-256 key).
 */

/** A chain whose head moved since it was last sealed (written in the same transaction as the entry). */
export interface PendingSeal {
  chainId: string;
  seq: number;
}

export interface AuditChainStore {
  /** Chains changed since their last seal, at most `limit` (no table scan). */
  pendingSeals(limit: number): Promise<PendingSeal[]>;
  /**
   * Every chain in the table, found through what the sealer's function is granted (no Scan):
   * `seal --full`, the first seal of existing data.
   */
  listChainIds(): Promise<string[]>;
  /** Every chain in the table, found by scanning: the operator's `verify --full` only. */
  scanChainIds(): Promise<string[]>;
  /**
   * The chains as stored: all their entries in seq order and the head on their rows; unknown ids are
   * absent. The chains of one application are read together (one partition).
   */
  readChains(chainIds: readonly string[]): Promise<Map<string, ChainState>>;
  /** Drops the pending marks of the sealed chains, each unless a newer change re-marked it. */
  clearPending(sealed: readonly PendingSeal[]): Promise<void>;
}

export interface CheckpointStore {
  /** The checkpoint with the highest seq, or undefined before the first seal. */
  latest(): Promise<SignedCheckpoint | undefined>;
  /** Writes a new checkpoint once; false when one with its seq already exists (nothing is overwritten). */
  create(checkpoint: SignedCheckpoint): Promise<boolean>;
  /** Every checkpoint, in seq order. Objects that cannot be read as checkpoints are reported, not skipped. */
  list(): Promise<SignedCheckpoint[]>;
}

export interface CheckpointSigner {
  /** The key id recorded in each checkpoint (KMS key ARN, or the local key's id). */
  keyId(): Promise<string>;
  /** Base64 DER ECDSA P-256 signature of SHA-256(message). */
  sign(message: Uint8Array): Promise<string>;
}

export interface PublicKeyResolver {
  /** The public key (PEM SPKI) of a key id found in a checkpoint; undefined if it is not a known key. */
  publicKeyPem(keyId: string): Promise<string | undefined>;
}
