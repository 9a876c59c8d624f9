import { beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { listDocuments } from '../../functions/usecases/list-documents.ts';
import { reviewDocument } from '../../functions/usecases/review-document.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { FORM, idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const reject = (reason = '身份证复印件模糊，无法辨认') => ({ verdict: 'rejected' as const, reason });
const accept = { verdict: 'accepted' as const, reason: '' };

/** A draft with all six documents uploaded, and the ids of those documents by type. */
async function readyDraft() {
  const id = await w.create();
  const docs = await w.uploadAll(id);
  w.clock.advance(1000);
  return { id, docs };
}

describe('reviewDocument (材料审查) by the executing court’s clerk', () => {
  it('rejects a scan with a reason: the listing shows it rejected with the review, audited with its SHA-256', async () => {
    const { id, docs } = await readyDraft();
    const documentId = docs.identity?.documentId as string;
    const res = await reviewDocument(w.deps, people.clerk, id, documentId, reject());
    expect(res).toMatchObject({ documentId, status: 'rejected' });
    const listed = (await listDocuments(w.deps, people.clerk, id)).find((d) => d.documentId === documentId);
    expect(listed).toMatchObject({
      status: 'rejected',
      rejectedReason: 'REVIEW_REJECTED',
      review: {
        verdict: 'rejected',
        reason: '身份证复印件模糊，无法辨认',
        reviewedBy: people.clerk.sub,
        as: 'clerk',
      },
    });
    const stored = await w.repo.getDocument(id, documentId);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'document.review-rejected',
      actor: { sub: people.clerk.sub },
      detail: { documentId, type: 'identity', sha256: stored?.sha256, verdict: 'rejected', as: 'clerk' },
    });
  });

  it('blocks submission (422 MATERIALS_INCOMPLETE naming the rejected document) until another of its type is uploaded', async () => {
    const { id, docs } = await readyDraft();
    const documentId = docs.identity?.documentId as string;
    await reviewDocument(w.deps, people.clerk, id, documentId, reject('照片不清'));
    const error = (await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'MATERIALS_INCOMPLETE',
      status: 422,
    })) as Error & { errors?: { code: string; path: string; message: string }[] };
    expect(error.errors).toEqual([
      expect.objectContaining({ code: 'DOCUMENT_REJECTED', path: 'documents.identity' }),
    ]);
    expect(error.errors?.[0]?.message).toContain(documentId);
    expect(error.errors?.[0]?.message).toContain('照片不清');
    w.clock.advance(1000);
    const replacement = await w.upload(id, 'identity');
    const res = await submitApplication(w.deps, people.clerk, id, FORM);
    expect(res.status).toBe('pending_approval');
    const submitted = await w.repo.get(id);
    expect(submitted?.submission?.documents?.find((d) => d.type === 'identity')?.documentId).toBe(
      replacement.documentId,
    );
  });

  it('an older scan of the same type uploaded before the rejection does not lift the block', async () => {
    const id = await w.create();
    await w.upload(id, 'identity', 'older identity scan');
    w.clock.advance(1000);
    const docs = await w.uploadAll(id);
    w.clock.advance(1000);
    await reviewDocument(w.deps, people.clerk, id, docs.identity?.documentId as string, reject());
    expect((await refusal(submitApplication(w.deps, people.clerk, id, FORM))).code).toBe(
      'MATERIALS_INCOMPLETE',
    );
  });

  it('accepts a scan: it stays uploaded with the review recorded and audited; submission goes through', async () => {
    const { id, docs } = await readyDraft();
    const documentId = docs['bank-account']?.documentId as string;
    await reviewDocument(w.deps, people.clerk, id, documentId, accept);
    expect(await w.repo.getDocument(id, documentId)).toMatchObject({
      status: 'uploaded',
      review: { verdict: 'accepted', as: 'clerk' },
    });
    expect((await w.verifiedAudit(id)).at(-1)?.action).toBe('document.review-accepted');
    expect((await submitApplication(w.deps, people.clerk, id, FORM)).status).toBe('pending_approval');
  });

  it('refuses a rejection without a reason (422 REVIEW_REASON_REQUIRED) and changes nothing', async () => {
    const { id, docs } = await readyDraft();
    await refusedWithoutChange(
      w,
      () => reviewDocument(w.deps, people.clerk, id, docs.identity?.documentId as string, reject('   ')),
      { code: 'REVIEW_REASON_REQUIRED', status: 422 },
    );
  });

  it('refuses a pending upload (409 DOCUMENT_NOT_UPLOADED), an already rejected one and an unknown document (404)', async () => {
    const id = await w.create();
    const { requestUpload } = await import('../../functions/usecases/request-upload.ts');
    const grant = await requestUpload(w.deps, people.clerk, id, {
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: 4,
      sha256: 'a'.repeat(64),
    });
    const pendingId = grant.documentId;
    await refusedWithoutChange(w, () => reviewDocument(w.deps, people.clerk, id, pendingId, accept), {
      code: 'DOCUMENT_NOT_UPLOADED',
      status: 409,
    });
    const { documentId } = await w.upload(id, 'hardship-proof');
    w.clock.advance(1000);
    await reviewDocument(w.deps, people.clerk, id, documentId, reject());
    await refusedWithoutChange(w, () => reviewDocument(w.deps, people.clerk, id, documentId, accept), {
      code: 'DOCUMENT_ALREADY_REJECTED',
      status: 409,
    });
    await refusedWithoutChange(
      w,
      () => reviewDocument(w.deps, people.clerk, id, '01JZZZZZZZZZZZZZZZZZZZZZZZ', accept),
      { code: 'NOT_FOUND', status: 404 },
    );
  });

  it('refuses a foreign court (404), an approver before submission (409 INVALID_STATUS) and a clerk after it (409 MATERIALS_FROZEN)', async () => {
    const { id, docs } = await readyDraft();
    const documentId = docs.identity?.documentId as string;
    await refusedWithoutChange(
      w,
      () => reviewDocument(w.deps, people.foreignClerk, id, documentId, reject()),
      {
        code: 'NOT_FOUND',
        status: 404,
      },
    );
    await refusedWithoutChange(
      w,
      () => reviewDocument(w.deps, people.midApprover, id, documentId, reject()),
      {
        code: 'INVALID_STATUS',
        status: 409,
      },
    );
    await refusedWithoutChange(w, () => reviewDocument(w.deps, people.highClerk, id, documentId, reject()), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await submitApplication(w.deps, people.clerk, id, FORM);
    await refusedWithoutChange(w, () => reviewDocument(w.deps, people.clerk, id, documentId, reject()), {
      code: 'MATERIALS_FROZEN',
      status: 409,
    });
  });

  it('records the Idempotency-Key with the review: a second write with the key is a replay of the first response', async () => {
    const { id, docs } = await readyDraft();
    const documentId = docs.identity?.documentId as string;
    const key = idempotencyFor(people.clerk, 'reviewDocument', { id, documentId }, 'k-1', accept);
    const first = await reviewDocument(w.deps, people.clerk, id, documentId, accept, key);
    expect((await w.repo.getIdempotency(key.scope, key.key))?.response.body).toEqual(
      JSON.parse(JSON.stringify(first)),
    );
    // The route answers a replay from the key record first; a second write with the key is refused by the store.
    const before = (await w.repo.listAudit(id)).length;
    expect(await refusal(reviewDocument(w.deps, people.clerk, id, documentId, accept, key))).toBeInstanceOf(
      IdempotencyReplay,
    );
    expect(await w.repo.listAudit(id)).toHaveLength(before);
  });
});

describe('reviewDocument by the deciding approver', () => {
  it('lets the approver where it waits reject a scan; approval is then refused and the return lists the documents to replace', async () => {
    const id = await w.submitted();
    const app = await w.repo.get(id);
    const identity = app?.submission?.documents?.find((d) => d.type === 'identity')?.documentId as string;
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'approve', comment: '同意' });
    w.clock.advance(1000);
    await refusedWithoutChange(
      w,
      () => reviewDocument(w.deps, people.basicApprover, id, identity, reject()),
      {
        code: 'NOT_PENDING_AT_YOUR_COURT',
        status: 403,
      },
    );
    await reviewDocument(w.deps, people.midApprover, id, identity, reject('复印件缺页'));
    expect(await w.repo.getDocument(id, identity)).toMatchObject({
      status: 'rejected',
      review: { as: 'approver', court: 'JX01', reason: '复印件缺页' },
    });
    const error = await refusedWithoutChange(
      w,
      () => decideApplication(w.deps, people.midApprover, id, { decision: 'approve', comment: '同意' }),
      { code: 'MATERIALS_INCOMPLETE', status: 422 },
    );
    expect((error as { errors?: { code: string }[] }).errors?.map((e) => e.code)).toEqual([
      'DOCUMENT_REJECTED',
    ]);
    const returned = await decideApplication(w.deps, people.midApprover, id, {
      decision: 'return',
      comment: '请更换身份证明材料',
    });
    expect(returned.status).toBe('returned');
    expect(returned.decision.documentsToReplace).toEqual([
      { documentId: identity, type: 'identity', reason: '复印件缺页' },
    ]);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'decision.return',
      detail: { documentsToReplace: [{ documentId: identity, type: 'identity', reason: '复印件缺页' }] },
    });
    // The clerk replaces it and submits again; the new submission's evidence holds the replacement.
    w.clock.advance(1000);
    const replacement = await w.upload(id, 'identity');
    expect((await submitApplication(w.deps, people.clerk, id, FORM)).status).toBe('pending_approval');
    expect(
      (await w.repo.get(id))?.submission?.documents?.find((d) => d.type === 'identity')?.documentId,
    ).toBe(replacement.documentId);
  });

  it('a return without a rejected document lists nothing to replace', async () => {
    const id = await w.submitted();
    const returned = await decideApplication(w.deps, people.basicApprover, id, {
      decision: 'return',
      comment: '补充说明',
    });
    expect(returned.decision.documentsToReplace).toBeUndefined();
  });
});
