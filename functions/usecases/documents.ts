import { allowsDrafts } from '../domain/campaigns.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type DocumentRecord,
  type DocumentType,
  IdempotencyReplay,
} from '../ports/applications.ts';
import type { DocumentStorage } from '../ports/campaigns.ts';
import {
  type ApplicationDeps,
  type IdempotencyInput,
  idempotencyRecord,
  loadForClerk,
  loadVisible,
  replayOrRefuse,
  type StoredResponse,
} from './applications.ts';

export interface DocumentDeps extends ApplicationDeps {
  storage: DocumentStorage;
}

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

const UPLOADABLE: readonly ApplicationStatus[] = ['draft', 'returned'];

export function documentKey(applicationId: string, documentId: string): string {
  return `applications/${applicationId}/documents/${documentId}`;
}

/** Reads application and document ids back from an object key; undefined for any other key. */
export function parseDocumentKey(key: string): { applicationId: string; documentId: string } | undefined {
  const m = key.match(/^applications\/([0-9A-Za-z]{10,40})\/documents\/([0-9A-Za-z]{10,40})$/);
  return m ? { applicationId: m[1] as string, documentId: m[2] as string } : undefined;
}

export function documentView(doc: DocumentRecord) {
  return {
    documentId: doc.documentId,
    type: doc.type,
    status: doc.status,
    contentType: doc.contentType,
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    createdAt: doc.createdAt,
    uploadedAt: doc.uploadedAt,
    ...(doc.rejectedReason ? { rejectedReason: doc.rejectedReason } : {}),
  };
}

export interface RequestUploadInput {
  type: DocumentType;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** 上传材料: registers a pending document and returns a presigned upload for exactly that object. */
export async function requestUpload(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  input: RequestUploadInput,
  idempotency?: IdempotencyInput,
): Promise<StoredResponse> {
  if (idempotency) {
    const earlier = await deps.repo.getIdempotency(idempotency.scope, idempotency.key);
    if (earlier) return replayOrRefuse(earlier, idempotency.body);
  }
  const app = await loadForClerk(deps, principal, applicationId);
  if (!UPLOADABLE.includes(app.status)) {
    throw new ConflictError(
      'INVALID_STATUS',
      `Documents cannot be added to an application in status "${app.status}".`,
    );
  }
  const campaign = await deps.campaigns.get(app.campaignId);
  if (!campaign || !allowsDrafts(campaign, deps.now())) {
    throw new ConflictError('CAMPAIGN_NOT_OPEN', 'The campaign does not accept uploads now.');
  }
  const documentId = deps.newId();
  const doc: DocumentRecord = {
    applicationId,
    documentId,
    type: input.type,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    sha256: input.sha256.toLowerCase(),
    status: 'pending',
    s3Key: documentKey(applicationId, documentId),
    createdAt: deps.now().toISOString(),
    createdBy: principal.sub,
    uploadedAt: null,
    rejectedReason: null,
  };
  const upload = await deps.storage.presignUpload({
    key: doc.s3Key,
    contentType: doc.contentType,
    sizeBytes: doc.sizeBytes,
    sha256Hex: doc.sha256,
  });
  const response: StoredResponse = {
    status: 201,
    body: { documentId, type: doc.type, status: doc.status, upload },
    headers: { location: `/applications/${applicationId}/documents/${documentId}` },
  };
  try {
    await deps.repo.addDocument(
      applicationId,
      doc,
      (current) => {
        if (!UPLOADABLE.includes(current.status)) {
          throw new ConflictError(
            'INVALID_STATUS',
            `Documents cannot be added in status "${current.status}".`,
          );
        }
        return {
          next: current,
          audit: {
            actor: principal,
            action: 'document.requested',
            fromStatus: current.status,
            toStatus: current.status,
            detail: { documentId, type: doc.type, sizeBytes: doc.sizeBytes, sha256: doc.sha256 },
          },
        };
      },
      idempotency ? idempotencyRecord(idempotency, response) : undefined,
    );
  } catch (error) {
    if (error instanceof IdempotencyReplay && idempotency)
      return replayOrRefuse(error.record, idempotency.body);
    throw error;
  }
  return response;
}

export async function listDocuments(deps: DocumentDeps, principal: Principal, applicationId: string) {
  await loadVisible(deps, principal, applicationId);
  return (await deps.repo.listDocuments(applicationId)).map(documentView);
}

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

const SYSTEM_ACTOR = { sub: 'system:document-store', court: '', roles: [] as never[] };

/**
 * The S3 ObjectCreated handler's use case: the document becomes `uploaded` only when the stored
 * object has exactly the declared size and SHA-256; otherwise `rejected`. Idempotent: a repeated or
 * late event for a settled document changes nothing.
 */
export async function settleUploadedObject(
  deps: DocumentDeps,
  key: string,
  /** `redrive`: the re-drive sweep found the object after its S3 event was lost (on the audit entry). */
  options: { via?: 'redrive' } = {},
): Promise<'uploaded' | 'rejected' | 'ignored'> {
  const ids = parseDocumentKey(key);
  if (!ids) {
    logger.warn('object outside the document layout ignored');
    return 'ignored';
  }
  const doc = await deps.repo.getDocument(ids.applicationId, ids.documentId);
  if (doc?.status !== 'pending') return 'ignored';
  const actual = await deps.storage.inspect(key);
  if (!actual) return 'ignored';
  const problems: string[] = [];
  if (actual.sizeBytes !== doc.sizeBytes) problems.push('SIZE_MISMATCH');
  if (actual.sha256Hex !== doc.sha256) problems.push('CHECKSUM_MISMATCH');
  if (actual.contentType && actual.contentType.split(';')[0]?.trim() !== doc.contentType)
    problems.push('CONTENT_TYPE_MISMATCH');
  const status = problems.length === 0 ? 'uploaded' : 'rejected';
  const at = deps.now().toISOString();
  const settled = await deps.repo.settleDocument(
    doc,
    { status, at, reason: problems.length > 0 ? problems.join(',') : null },
    (current: ApplicationRecord) => ({
      next: current,
      audit: {
        actor: { ...SYSTEM_ACTOR, court: current.courtCode },
        action: status === 'uploaded' ? 'document.uploaded' : 'document.rejected',
        fromStatus: current.status,
        toStatus: current.status,
        detail: {
          documentId: doc.documentId,
          type: doc.type,
          ...(problems.length > 0 ? { problems } : {}),
          ...(options.via ? { via: options.via } : {}),
        },
      },
    }),
  );
  return settled ? status : 'ignored';
}
