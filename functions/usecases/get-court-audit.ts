import { verifyChain } from '../domain/audit-chain.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { CourtDeps } from './courts.ts';

/**
 * The registry's changes naming one court, oldest first, and whether the registry's whole hash chain
 * (every PUT and import, one chain) verifies.
 */
export async function courtAudit(deps: CourtDeps, code: string) {
  const registry = await deps.courts.registry();
  if (!registry.get(code)) throw new NotFoundError(`No court with code ${code}.`);
  const all = await deps.courts.listAudit();
  const items = all.filter((e) => e.courts.includes(code));
  return { items, chainValid: verifyChain(all).valid };
}
