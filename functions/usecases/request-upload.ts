import { allowsDrafts } from '../domain/campaigns.ts';
import type { Principal } from '../lib/auth.ts';
import { correlationField } from '../lib/correlation.ts';
import { ConcurrentUpdateError } from '../lib/errors.ts';
import { backoffMs, STALE_READ_ATTEMPTS, sleep } from '../lib/retry.ts';
import {
  type AuditInput,
  type DocumentRecord,
  type DocumentType,
  type GrantBasis,
  GrantBasisMismatch,
} from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import { hasRole } from './applications.ts';
import { type DocumentDeps, documentKey, firstEntryHash, grantBasis } from './documents.ts';

export interface RequestUploadInput {
  type: DocumentType;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** The pending document and the presigned upload for exactly its object. */
export interface UploadGrant {
  documentId: string;
  type: DocumentType;
  status: 'pending';
  upload: Awaited<ReturnType<DocumentDeps['storage']['presignUpload']>>;
}

/** 上传材料: registers a pending document and returns a presigned upload for exactly that object. */
export async function requestUpload(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  input: RequestUploadInput,
  idempotency?: IdempotentWrite<UploadGrant>,
): Promise<UploadGrant> {
  const [grant] = await requestUploads(
    deps,
    principal,
    applicationId,
    [input],
    idempotentVia(idempotency, (grants: UploadGrant[]) => grants[0] as UploadGrant),
  );
  return grant as UploadGrant;
}

/**
 * 批量上传材料: registers several pending documents of one application in one transaction, all or
 * none, each with its own chain and its own presigned upload, answered in the order given.
 */
export async function requestUploads(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  inputs: readonly RequestUploadInput[],
  idempotency?: IdempotentWrite<UploadGrant[]>,
): Promise<UploadGrant[]> {
  const documentIds = inputs.map(() => deps.newId());
  // Nothing is read before the write: the grant's own transaction checks that the application is a
  // draft of the clerk's court, never submitted, in a campaign this container knows to accept uploads
  // now (GrantBasis). Any other application fails that check, which returns it as it stands: judged
  // on that (404, 403, MATERIALS_FROZEN, CAMPAIGN_NOT_OPEN as before) or granted again on its real
  // status and submission. A clerk's first grant in a cold container reads the application first.
  const now = deps.now();
  const open = hasRole(principal, 'clerk')
    ? (deps.campaigns.known?.() ?? []).filter((c) => allowsDrafts(c, now)).map((c) => c.id)
    : [];
  let basis: GrantBasis | undefined =
    open.length > 0
      ? { courtCode: principal.court, status: 'draft', submissionSeq: 0, campaignIds: open }
      : undefined;
  let guessed = basis !== undefined;
  for (let attempt = 0; ; attempt++) {
    basis ??= await grantBasis(deps, principal, await deps.repo.get(applicationId));
    const createdAt = deps.now().toISOString();
    const granted = await Promise.all(
      inputs.map((input, i) =>
        grantOf(
          deps,
          principal,
          applicationId,
          documentIds[i] as string,
          input,
          basis as GrantBasis,
          createdAt,
        ),
      ),
    );
    const response = granted.map((g) => g.response);
    try {
      // The documents and the first entry of each one's own chain; nothing of the application is
      // written, so grants of one application never meet on one item. A grant that crossed a
      // submission is refused by the check; its upload would be late anyway (settleUploadedObject).
      await deps.repo.addDocuments(
        granted.map(({ doc, audit }) => ({ doc, audit })),
        idempotentVia(idempotency, () => response),
        basis,
      );
      return response;
    } catch (error) {
      if (!(error instanceof GrantBasisMismatch)) throw error;
      if (attempt >= STALE_READ_ATTEMPTS - 1) {
        throw new ConcurrentUpdateError(
          'The application kept changing while granting an upload; nothing was written. Retry shortly.',
        );
      }
      // A wrong assumption is corrected at once; an application that changed under an exact one waits.
      if (!guessed) await sleep(backoffMs(attempt));
      guessed = false;
      basis = await grantBasis(deps, principal, error.current);
    }
  }
}

/** One document's record, first chain entry and presigned upload, granted under `basis`. */
async function grantOf(
  deps: DocumentDeps,
  principal: Principal,
  applicationId: string,
  documentId: string,
  input: RequestUploadInput,
  basis: GrantBasis,
  createdAt: string,
): Promise<{ doc: DocumentRecord; audit: AuditInput; response: UploadGrant }> {
  const sha256 = input.sha256.toLowerCase();
  const audit: AuditInput = {
    actor: principal,
    action: 'document.requested',
    fromStatus: basis.status,
    toStatus: basis.status,
    detail: { documentId, type: input.type, sizeBytes: input.sizeBytes, sha256 },
    at: createdAt,
  };
  // The key names what the object's event needs (GrantFacts), so that it settles without a read;
  // signed into the URL, so it is the key the object lands at.
  const s3Key = documentKey(applicationId, documentId, {
    type: input.type,
    auditHead: firstEntryHash(audit, createdAt),
    courtCode: basis.courtCode,
    status: basis.status,
    submissionSeq: basis.submissionSeq,
  });
  const upload = await deps.storage.presignUpload({
    key: s3Key,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    sha256Hex: sha256,
  });
  const doc: DocumentRecord = {
    applicationId,
    documentId,
    type: input.type,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    sha256,
    status: 'pending',
    s3Key,
    createdAt,
    createdBy: principal.sub,
    uploadedAt: null,
    rejectedReason: null,
    submissionSeqAtGrant: basis.submissionSeq,
    ...correlationField(),
  };
  return { doc, audit, response: { documentId, type: input.type, status: 'pending', upload } };
}
