import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UploadRefusedError } from '../../functions/adapters/memory/index.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { parseDocumentKey } from '../../functions/usecases/documents.ts';
import { getDocument } from '../../functions/usecases/get-document.ts';
import { listDocuments } from '../../functions/usecases/list-documents.ts';
import { patchApplication } from '../../functions/usecases/patch-application.ts';
import { requestUpload } from '../../functions/usecases/request-upload.ts';
import { settleUploadedObject } from '../../functions/usecases/settle-uploaded-object.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { withdrawApplication } from '../../functions/usecases/withdrawal.ts';
import {
  FORM,
  idempotencyFor,
  people,
  refusal,
  refusedWithoutChange,
  sha256Hex,
  type World,
  world,
} from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const pdf = (body: string) => ({
  type: 'identity' as const,
  contentType: 'application/pdf',
  sizeBytes: Buffer.byteLength(body),
  sha256: sha256Hex(body),
});

type Grant = { documentId: string; upload: { url: string; headers: Record<string, string> } };
const grantOf = (r: unknown) => r as Grant;

describe('requestUpload (上传材料)', () => {
  it('registers a pending document and a grant for exactly the declared object, audited', async () => {
    const id = await w.create();
    const res = await requestUpload(w.deps, people.clerk, id, pdf('scan'));
    expect(res).toMatchObject({ type: 'identity', status: 'pending' });
    const { documentId, upload } = grantOf(res);
    expect(upload.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': '4',
      'x-amz-checksum-sha256': Buffer.from(sha256Hex('scan'), 'hex').toString('base64'),
    });
    expect(await w.repo.getDocument(id, documentId)).toMatchObject({
      status: 'pending',
      submissionSeqAtGrant: 0,
      s3Key: w.keyOf(id, documentId),
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'document.requested',
      detail: { documentId, type: 'identity' },
    });
  });

  it('refuses uploads while the materials are frozen (from submission until a return: 409 MATERIALS_FROZEN)', async () => {
    const id = await w.submitted();
    await refusedWithoutChange(w, () => requestUpload(w.deps, people.clerk, id, pdf('late')), {
      code: 'MATERIALS_FROZEN',
      status: 409,
    });
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    expect((await requestUpload(w.deps, people.clerk, id, pdf('more'))).status).toBe('pending');
  });

  it('a submission that gets in before the grant is written refuses the grant (MATERIALS_FROZEN, nothing written): the grant checks the application in its own transaction', async () => {
    const id = await w.ready();
    w.repo.faults.interleave(async () => {
      await submitApplication(w.deps, people.otherClerk, id, FORM);
    });
    const before = (await w.repo.listDocuments(id)).length;
    await expect(requestUpload(w.deps, people.clerk, id, pdf('x'))).rejects.toMatchObject({
      code: 'MATERIALS_FROZEN',
      status: 409,
    });
    expect(await w.repo.get(id)).toMatchObject({ status: 'pending_approval' });
    expect(await w.repo.listDocuments(id)).toHaveLength(before);
  });

  it('grants on a returned application under its real status and submission (the assumed draft fails the check, nothing read before)', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    const reads = vi.spyOn(w.repo, 'get');
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('again')));
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(await w.repo.getDocument(id, grant.documentId)).toMatchObject({
      status: 'pending',
      submissionSeqAtGrant: 1,
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.find((e) => e.documentId === grant.documentId)).toMatchObject({
      action: 'document.requested',
      fromStatus: 'returned',
      toStatus: 'returned',
    });
  });

  it('refuses uploads once the campaign has closed (409 CAMPAIGN_NOT_OPEN)', async () => {
    const id = await w.create();
    w.clock.set(new Date(Date.parse(w.campaign.handling.end) + 1));
    await refusedWithoutChange(w, () => requestUpload(w.deps, people.clerk, id, pdf('x')), {
      code: 'CAMPAIGN_NOT_OPEN',
      status: 409,
    });
  });

  it('refuses anyone but a clerk of the executing court (403 ROLE_FORBIDDEN; 404 outside the jurisdiction)', async () => {
    const id = await w.create();
    await refusedWithoutChange(w, () => requestUpload(w.deps, people.basicApprover, id, pdf('x')), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await refusedWithoutChange(w, () => requestUpload(w.deps, people.foreignClerk, id, pdf('x')), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('records the key with the document; a concurrent request with the same key gets the first grant', async () => {
    const id = await w.create();
    const input = pdf('scan');
    const write = idempotencyFor(people.clerk, 'requestUpload', { id }, 'up-1', input);
    w.repo.faults.interleave(async () => {
      await requestUpload(w.deps, people.clerk, id, input, write);
    });
    const replay = (await refusal(
      requestUpload(w.deps, people.clerk, id, input, write),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    const docs = await w.repo.listDocuments(id);
    expect(docs.map((d) => d.documentId)).toEqual([grantOf(replay.record.response.body).documentId]);
  });
});

describe('settleUploadedObject (the ObjectCreated event)', () => {
  it('marks a document uploaded when the stored object is exactly the declared one, audited by the system', async () => {
    const id = await w.create();
    const { documentId, outcome } = await w.upload(id, 'identity');
    expect(outcome).toBe('uploaded');
    expect(await w.repo.getDocument(id, documentId)).toMatchObject({
      status: 'uploaded',
      uploadedAt: w.now().toISOString(),
      rejectedReason: null,
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'document.uploaded',
      actor: { sub: 'system:document-store', court: 'JX0102' },
    });
  });

  it('storage refuses a PUT that does not match its grant, so nothing lands', async () => {
    const id = await w.create();
    const { upload } = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan')));
    const refused = await refusal(w.storage.upload(upload.url, 'SCAN', upload.headers));
    expect(refused).toBeInstanceOf(UploadRefusedError);
    expect((refused as UploadRefusedError).code).toBe('BadDigest');
    expect(w.storage.objects.size).toBe(0);
  });

  it('rejects an object of another size, checksum or content type, naming every problem', async () => {
    const id = await w.create();
    const { documentId } = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan')));
    const key = w.keyOf(id, documentId);
    w.storage.putObject(key, 'another scan', 'image/png');
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect(await w.repo.getDocument(id, documentId)).toMatchObject({
      status: 'rejected',
      uploadedAt: null,
      rejectedReason: 'SIZE_MISMATCH,CHECKSUM_MISMATCH,CONTENT_TYPE_MISMATCH',
    });
  });

  it('ignores a repeated event, an event for a key outside the document layout, and one for a missing object', async () => {
    const id = await w.create();
    const { key } = await w.upload(id, 'identity');
    const before = w.dump();
    expect(await settleUploadedObject(w.deps, key)).toBe('ignored');
    expect(await settleUploadedObject(w.deps, 'exports/report.csv')).toBe('ignored');
    const { documentId } = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('never sent')));
    const pendingBefore = w.dump();
    expect(await settleUploadedObject(w.deps, w.keyOf(id, documentId))).toBe('ignored');
    expect(w.dump()).toEqual(pendingBefore);
    expect(before).not.toEqual(pendingBefore);
  });

  it("reads a grant's facts back from its key, and nothing from a key whose facts are not a grant's", async () => {
    const id = await w.create();
    const { documentId } = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan')));
    const key = w.keyOf(id, documentId);
    const app = await w.repo.get(id);
    const doc = await w.repo.getDocument(id, documentId);
    expect(parseDocumentKey(key)).toEqual({
      applicationId: id,
      documentId,
      granted: {
        type: 'identity',
        auditHead: doc?.auditHead,
        courtCode: app?.courtCode,
        status: 'draft',
        submissionSeq: 0,
      },
    });
    const plain = `applications/${id}/documents/${documentId}`;
    expect(parseDocumentKey(plain)).toEqual({ applicationId: id, documentId });
    expect(parseDocumentKey(key.replace('.identity.', '.passport.'))).toBeUndefined();
    expect(parseDocumentKey(key.replace('.draft.', '.pending_approval.'))).toBeUndefined();
    expect(parseDocumentKey(`${key}/more`)).toBeUndefined();
  });

  it('settles a document only from an object at its own key: the same bytes at the plain key or under other spellings of its facts are ignored', async () => {
    const id = await w.create();
    const { documentId } = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan')));
    const key = w.keyOf(id, documentId);
    const plain = `applications/${id}/documents/${documentId}`;
    const padded = key.replace(`/${documentId}/0.`, `/${documentId}/00.`);
    expect(padded).not.toBe(key);
    for (const other of [plain, padded]) w.storage.putObject(other, 'scan', 'application/pdf');
    const before = w.dump();
    for (const other of [plain, padded]) expect(await settleUploadedObject(w.deps, other)).toBe('ignored');
    expect(w.dump()).toEqual(before);
    expect((await w.repo.getDocument(id, documentId))?.status).toBe('pending');
  });

  it('rejects an object landing after a later submission through a grant from before it (LATE_UPLOAD), leaving the evidence as submitted', async () => {
    const id = await w.ready();
    const late = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('late scan')));
    await submitApplication(w.deps, people.clerk, id, FORM);
    const key = await w.storage.upload(late.upload.url, 'late scan', late.upload.headers);
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect((await w.repo.getDocument(id, late.documentId))?.rejectedReason).toBe('LATE_UPLOAD');
    const app = await w.repo.get(id);
    expect(app?.submission?.documents?.map((d) => d.documentId)).not.toContain(late.documentId);
  });

  it('rejects as LATE_UPLOAD an object through a grant from before the last submission, even after a return', async () => {
    const id = await w.ready();
    const late = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('old grant')));
    await submitApplication(w.deps, people.clerk, id, FORM);
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    const key = await w.storage.upload(late.upload.url, 'old grant', late.upload.headers);
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect((await w.repo.getDocument(id, late.documentId))?.rejectedReason).toBe('LATE_UPLOAD');
  });

  it('decides again when a submission got in between its read and its write: the object is then late', async () => {
    const id = await w.ready();
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('racing scan')));
    const key = await w.storage.upload(grant.upload.url, 'racing scan', grant.upload.headers);
    w.repo.faults.interleave(async () => {
      await submitApplication(w.deps, people.otherClerk, id, FORM);
    });
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect((await w.repo.getDocument(id, grant.documentId))?.rejectedReason).toBe('LATE_UPLOAD');
  });

  it('settles an upload from the facts its grant signed into the key: one write, nothing read, the entry a read would give', async () => {
    const id = await w.create();
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan')));
    const key = await w.storage.upload(grant.upload.url, 'scan', grant.upload.headers);
    const reads = (
      [
        'get',
        'getMany',
        'getDocument',
        'getWithDocument',
        'getWithMaterials',
        'readMaterials',
        'listDocuments',
      ] as const
    ).map((name) => vi.spyOn(w.repo, name));
    expect(await settleUploadedObject(w.deps, key)).toBe('uploaded');
    for (const read of reads) expect(read).not.toHaveBeenCalled();
    for (const read of reads) read.mockRestore();
    const app = await w.repo.get(id);
    expect(await w.repo.getDocument(id, grant.documentId)).toMatchObject({
      status: 'uploaded',
      rejectedReason: null,
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      documentId: grant.documentId,
      action: 'document.uploaded',
      actor: { sub: 'system:document-store', court: app?.courtCode, roles: [] },
      fromStatus: 'draft',
      toStatus: 'draft',
      detail: { documentId: grant.documentId, type: 'identity' },
    });
    expect(entries.at(-1)?.detail).toEqual({ documentId: grant.documentId, type: 'identity' });
  });

  it('keeps out an object landing through a grant from before a withdrawal (the key says draft; the application is withdrawn): LATE_UPLOAD', async () => {
    const id = await w.create();
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('after withdrawal')));
    await withdrawApplication(w.deps, people.clerk, id, { reason: '误选救助活动，撤回后重新申请。' });
    const key = await w.storage.upload(grant.upload.url, 'after withdrawal', grant.upload.headers);
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect(await w.repo.getDocument(id, grant.documentId)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'LATE_UPLOAD',
    });
  });

  it('records the upload from the status the application has now, not the one its grant saw (returned, then edited to draft)', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    expect((await w.repo.get(id))?.status).toBe('returned');
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('while returned')));
    const returned = await w.repo.get(id);
    await patchApplication(w.deps, people.clerk, id, returned?.version as number, {
      hardship: { statement: '已补充困难证明。' },
    });
    expect((await w.repo.get(id))?.status).toBe('draft');
    const key = await w.storage.upload(grant.upload.url, 'while returned', grant.upload.headers);
    expect(await settleUploadedObject(w.deps, key)).toBe('uploaded');
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'document.uploaded',
      fromStatus: 'draft',
      toStatus: 'draft',
    });
  });

  it('decides again when a submission froze the materials between its read and its write: LATE_UPLOAD, never uploaded', async () => {
    const id = await w.ready();
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('racing scan')));
    const key = await w.storage.upload(grant.upload.url, 'racing scan', grant.upload.headers);
    // The event reads (draft: not late) and decides `uploaded`; the submission commits before its write.
    w.repo.faults.interleave(async () => {
      await submitApplication(w.deps, people.otherClerk, id, FORM);
    });
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    const submitted = await w.repo.get(id);
    expect(await w.repo.getDocument(id, grant.documentId)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'LATE_UPLOAD',
    });
    const identity = submitted?.submission?.documents?.find((d) => d.type === 'identity');
    expect(identity?.documentId).not.toBe(grant.documentId);
    const entries = await w.verifiedAudit(id);
    expect(
      entries.filter((e) => e.documentId === grant.documentId).map((e) => [e.action, e.detail.problems]),
    ).toEqual([
      ['document.requested', undefined],
      ['document.rejected', ['LATE_UPLOAD']],
    ]);
  });

  it('an upload landing while a submission is between its mark and its commit is in the frozen set: the submission reads again, never freezing a set without an uploaded document', async () => {
    const id = await w.ready();
    w.clock.advance(1000);
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('scan during submission')));
    const key = await w.storage.upload(grant.upload.url, 'scan during submission', grant.upload.headers);
    // The submission has marked and read the materials (without this scan); the event settles before
    // its commit: from the key's facts, then (the key ignored) decided on a read.
    let settled: string[] = [];
    w.repo.faults.interleave(async () => {
      settled = [await settleUploadedObject(w.deps, key)];
    });
    await submitApplication(w.deps, people.otherClerk, id, FORM);
    expect(settled).toEqual(['uploaded']);
    const submitted = await w.repo.get(id);
    expect(submitted?.status).toBe('pending_approval');
    expect(await w.repo.getDocument(id, grant.documentId)).toMatchObject({ status: 'uploaded' });
    const identity = submitted?.submission?.documents?.find((d) => d.type === 'identity');
    expect(identity?.documentId).toBe(grant.documentId);
    await w.verifiedAudit(id);
  });

  it('a submission that failed after marking the application holds no upload: the next one enters, and the next submission freezes it', async () => {
    const id = await w.ready();
    const app = await w.repo.get(id);
    // The mark of a submission that crashed before its commit.
    await w.repo.closeMaterials(id, app?.courtCode as string);
    w.clock.advance(1000);
    const grant = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('after a crash')));
    const key = await w.storage.upload(grant.upload.url, 'after a crash', grant.upload.headers);
    expect(await settleUploadedObject(w.deps, key)).toBe('uploaded');
    expect(await w.repo.get(id)).toEqual(app);
    await submitApplication(w.deps, people.otherClerk, id, FORM);
    const identity = (await w.repo.get(id))?.submission?.documents?.find((d) => d.type === 'identity');
    expect(identity?.documentId).toBe(grant.documentId);
  });

  it('settles the six uploads of an application without writing the application, each on its own chain', async () => {
    const id = await w.create();
    const before = await w.repo.get(id);
    await w.uploadAll(id);
    expect(await w.repo.get(id)).toEqual(before);
    const trail = await w.repo.readTrail(id);
    expect(trail.application.map((e) => e.action)).toEqual(['application.created']);
    expect(trail.documents).toHaveLength(6);
    for (const d of trail.documents) {
      expect(d.entries.map((e) => e.action)).toEqual(['document.requested', 'document.uploaded']);
    }
    await w.verifiedAudit(id);
  });

  it('rejects an uploaded document whose object was replaced (OBJECT_CHANGED), whatever the status, keeping when it was uploaded', async () => {
    const id = await w.submitted();
    const doc = (await w.repo.listDocuments(id)).find((d) => d.type === 'bank-account');
    const key = doc?.s3Key as string;
    const original = w.storage.objects.get(key)?.body as Buffer;
    w.storage.putObject(key, original, 'application/pdf');
    expect(await settleUploadedObject(w.deps, key)).toBe('ignored');
    w.storage.putObject(key, 'forged bank account', 'application/pdf');
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    expect(await w.repo.getDocument(id, doc?.documentId as string)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'OBJECT_CHANGED',
      uploadedAt: doc?.uploadedAt,
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'document.rejected',
      detail: {
        problems: ['OBJECT_CHANGED'],
        expectedSha256: doc?.sha256,
        actualSha256: sha256Hex('forged bank account'),
      },
    });
  });
});

describe('listDocuments and getDocument', () => {
  it('lists documents to the jurisdiction, and hands out a download only for an uploaded one', async () => {
    const id = await w.create();
    const { documentId } = await w.upload(id, 'identity');
    const pending = grantOf(await requestUpload(w.deps, people.clerk, id, pdf('pending')));
    expect((await listDocuments(w.deps, people.highApprover, id)).map((d) => d.status)).toEqual([
      'uploaded',
      'pending',
    ]);
    const uploaded = await getDocument(w.deps, people.midApprover, id, documentId);
    expect(uploaded.url).toMatch(/^memory:\/\//);
    expect('url' in (await getDocument(w.deps, people.clerk, id, pending.documentId))).toBe(false);
    expect((await refusal(getDocument(w.deps, people.clerk, id, '01NOSUCHDOCUMENT0000000000'))).status).toBe(
      404,
    );
    expect((await refusal(listDocuments(w.deps, people.foreignClerk, id))).status).toBe(404);
  });
});
