import { verifyChain } from '../domain/audit-chain.ts';
import type { Principal } from '../lib/auth.ts';
import { type ApplicationDeps, loadVisible } from './applications.ts';

/** An application's hash-chained audit trail (全程留痕), oldest first, with its verification. */
export async function applicationAudit(deps: ApplicationDeps, principal: Principal, id: string) {
  const app = await loadVisible(deps, principal, id);
  const entries = await deps.repo.listAudit(id);
  // Anchored at the head kept on the application, so a removed newest entry is detected too. Entries
  // written after the application was read are newer than that head: they are returned, not judged.
  const verification = verifyChain(
    entries.filter((e) => e.seq <= app.auditSeq),
    { head: { seq: app.auditSeq, hash: app.auditHead } },
  );
  return { entries, verification };
}
