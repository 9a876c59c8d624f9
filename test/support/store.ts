import type { Principal } from '../../functions/lib/auth.ts';
import {
  type ApplicationRepository,
  type AuditInput,
  DOCUMENT_TYPES,
  type DocumentRecord,
  type DocumentStore,
  type GrantBasis,
} from '../../functions/ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../../functions/ports/idempotency.ts';

/**
 * Records one uploaded document of every required type straight in the store, for integration
 * tests that exercise what comes after intake (uploads themselves are covered by the e2e tier).
 */
export async function markAllDocumentsUploaded(
  repo: ApplicationRepository,
  applicationId: string,
  actor: Principal,
  newId: () => string,
) {
  const at = new Date().toISOString();
  for (const type of DOCUMENT_TYPES) {
    const documentId = newId();
    await addDocument(
      repo,
      {
        applicationId,
        documentId,
        type,
        contentType: 'application/pdf',
        sizeBytes: 1,
        sha256: 'b'.repeat(64),
        status: 'uploaded',
        s3Key: `applications/${applicationId}/documents/${type}`,
        createdAt: at,
        createdBy: actor.sub,
        uploadedAt: at,
        rejectedReason: null,
      },
      {
        actor,
        action: 'document.uploaded',
        fromStatus: null,
        toStatus: null,
        detail: { documentId, type },
      },
    );
  }
}

/** One document registered with its first chain entry (the store's addDocuments of one). */
export async function addDocument(
  repo: Pick<DocumentStore, 'addDocuments'>,
  doc: DocumentRecord,
  audit: AuditInput,
  idempotency?: IdempotentWrite<DocumentRecord>,
  basis?: GrantBasis,
): Promise<DocumentRecord> {
  const [stored] = await repo.addDocuments(
    [{ doc, audit }],
    idempotentVia(idempotency, (docs: DocumentRecord[]) => docs[0] as DocumentRecord),
    basis,
  );
  return stored as DocumentRecord;
}
