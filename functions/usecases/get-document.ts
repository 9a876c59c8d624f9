import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import { loadVisible } from './applications.ts';
import { type DocumentDeps, documentView } from './documents.ts';

export async function getDocument(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  documentId: string,
) {
  await loadVisible(deps, principal, applicationId);
  const doc = await deps.repo.getDocument(applicationId, documentId);
  if (!doc) throw new NotFoundError();
  const download = doc.status === 'uploaded' ? await deps.storage.presignDownload(doc.s3Key) : undefined;
  return {
    ...documentView(doc),
    ...(download ? { url: download.url, urlExpiresAt: download.expiresAt } : {}),
  };
}
