import { mergeTrail, verifyApplicationTrail } from '../domain/application-trail.ts';
import type { Principal } from '../lib/auth.ts';
import { type ApplicationDeps, loadVisible } from './applications.ts';

/**
 * An application's hash-chained audit trail (全程留痕): the union of its own chain and its documents'
 * chains, oldest first (a document's entries carry its documentId), with the verification of all of
 * them and of the anchors the application chain holds of the documents' chains.
 */
export async function applicationAudit(deps: ApplicationDeps, principal: Principal, id: string) {
  const app = await loadVisible(deps, principal, id);
  const trail = await deps.repo.readTrail(id);
  // The application chain is anchored at the head kept on the application, each document chain at
  // the head kept on its document, so a removed newest entry is detected too. Entries written after
  // a head was read are newer than it: they are returned, not judged.
  const verification = verifyApplicationTrail(
    { entries: trail.application, head: { seq: app.auditSeq, hash: app.auditHead } },
    trail.documents,
  );
  return { entries: mergeTrail(trail.application, trail.documents), verification };
}
