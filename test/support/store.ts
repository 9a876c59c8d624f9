import type { Principal } from '../../functions/lib/auth.ts';
import { type ApplicationRepository, DOCUMENT_TYPES } from '../../functions/ports/applications.ts';

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
    await repo.addDocument(
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
