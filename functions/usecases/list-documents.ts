import type { Principal } from '../lib/auth.ts';
import { type ApplicationDeps, loadVisible } from './applications.ts';
import { documentView } from './documents.ts';

export async function listDocuments(deps: ApplicationDeps, principal: Principal, applicationId: string) {
  await loadVisible(deps, principal, applicationId);
  return (await deps.repo.listDocuments(applicationId)).map(documentView);
}
