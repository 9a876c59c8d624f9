import {
  type ChainState,
  ecdsaP256Verifier,
  type VerificationReport,
  verifyAuditTrail,
} from '../domain/audit-seal.ts';
import type { VerifyDeps } from './audit-seal.ts';

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
