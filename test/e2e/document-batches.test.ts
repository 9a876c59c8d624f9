import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES } from '../../functions/ports/applications.ts';
import { api, eventually, sha256Hex, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * POST /applications/{id}/document-batches: an application's scans granted in one request and one
 * transaction, each entry judged as the single grant judges it, all or none.
 */
const TYPES = DOCUMENT_TYPES;

let clerk: string;
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '审查法官' } };

const scanOf = (type: string, tag: string) => Buffer.from(`%PDF-1.4\n% ${type} ${tag}\n%%EOF\n`);
const entryOf = (scan: Buffer, type: string) => ({
  type,
  contentType: 'application/pdf',
  sizeBytes: scan.length,
  sha256: sha256Hex(scan),
});

async function draft(): Promise<string> {
  const created = await api('POST', '/applications', { token: clerk, body: applicationBody() });
  expect(created.status).toBe(201);
  return created.body.id;
}

const grantBatch = (id: string, documents: unknown[], headers: Record<string, string> = {}) =>
  api('POST', `/applications/${id}/document-batches`, { token: clerk, body: { documents }, headers });

const documentsOf = async (id: string) =>
  (await api('GET', `/applications/${id}/documents`, { token: clerk })).body.items as {
    documentId: string;
    status: string;
  }[];

const requestedCount = async (id: string) =>
  ((await api('GET', `/applications/${id}/audit`, { token: clerk })).body as { action: string }[]).filter(
    (e) => e.action === 'document.requested',
  ).length;

beforeAll(async () => {
  clerk = await token('BJ0105', ['clerk'], 'clerk-doc-batches');
});

describe('batch upload grant', () => {
  it('grants six pending documents in request order, each with a working upload that settles', async () => {
    const id = await draft();
    const scans = TYPES.map((t) => scanOf(t, id));
    const res = await grantBatch(
      id,
      scans.map((s, i) => entryOf(s, TYPES[i] as string)),
    );
    expect(res.status).toBe(201);
    const granted = res.body.documents as {
      documentId: string;
      type: string;
      status: string;
      upload: { url: string; headers: Record<string, string> };
    }[];
    expect(granted.map((d) => [d.type, d.status])).toEqual(TYPES.map((t) => [t, 'pending']));
    expect(new Set(granted.map((d) => d.documentId)).size).toBe(6);
    for (const [i, d] of granted.entries()) {
      const put = await fetch(d.upload.url, { method: 'PUT', headers: d.upload.headers, body: scans[i] });
      expect(put.status).toBe(200);
    }
    await eventually(
      async () => (await documentsOf(id)).filter((d) => d.status === 'uploaded').length === 6,
      'six uploaded',
    );
    expect(await requestedCount(id)).toBe(6);
    // Complete materials: the application submits.
    expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
  });

  it('is all or nothing: one bad entry refuses the batch (400 / 422 as the single route), nothing written', async () => {
    const id = await draft();
    const good = entryOf(scanOf('identity', 'ok'), 'identity');
    const badShape = await grantBatch(id, [good, { ...good, type: 'passport' }]);
    expect(badShape.status).toBe(400);
    expect(badShape.body.code).toBe('VALIDATION_FAILED');
    const single = await api('POST', `/applications/${id}/documents`, {
      token: clerk,
      body: { ...good, sizeBytes: 21 * 1024 * 1024 },
    });
    const tooLarge = await grantBatch(id, [good, { ...good, sizeBytes: 21 * 1024 * 1024 }]);
    expect([tooLarge.status, tooLarge.body.code]).toEqual([single.status, single.body.code]);
    expect(await documentsOf(id)).toEqual([]);
    expect(await requestedCount(id)).toBe(0);
  });

  it('takes 1 to 12 entries: none or 13 is 400 VALIDATION_FAILED, nothing written', async () => {
    const id = await draft();
    const entry = entryOf(scanOf('identity', 'n'), 'identity');
    for (const n of [0, 13]) {
      const res = await grantBatch(
        id,
        Array.from({ length: n }, () => entry),
      );
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(await documentsOf(id)).toEqual([]);
    const twelve = await grantBatch(
      id,
      Array.from({ length: 12 }, () => entry),
    );
    expect(twelve.status).toBe(201);
    expect(twelve.body.documents).toHaveLength(12);
  });

  it('refuses once the materials froze at submission (409 MATERIALS_FROZEN), nothing written', async () => {
    const id = await draft();
    await uploadAllDocuments(id, clerk);
    expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
    const before = (await documentsOf(id)).length;
    const res = await grantBatch(id, [entryOf(scanOf('identity', 'late'), 'identity')]);
    expect([res.status, res.body.code]).toEqual([409, 'MATERIALS_FROZEN']);
    expect((await documentsOf(id)).length).toBe(before);
  });

  it('honours Idempotency-Key: a replay returns the same 201 body and writes nothing more', async () => {
    const id = await draft();
    const documents = TYPES.slice(0, 2).map((t) => entryOf(scanOf(t, 'idem'), t));
    const key = `batch-${id}`;
    const first = await grantBatch(id, documents, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const replay = await grantBatch(id, documents, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await documentsOf(id)).toHaveLength(2);
    const reused = await grantBatch(id, documents.slice(1), { 'idempotency-key': key });
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });
});
