import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { S3Http } from '../../../functions/adapters/s3/client.ts';
import { S3DocumentStorage } from '../../../functions/adapters/s3/document-storage.ts';
import { headObject } from '../../../functions/adapters/s3/objects.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { DOCUMENT_TYPES } from '../../../functions/ports/applications.ts';
import type { InsurerClient, InsurerPackage } from '../../../functions/ports/insurer.ts';
import type { Workflow } from '../../../functions/ports/workflow.ts';
import { createApplication } from '../../../functions/usecases/create-application.ts';
import { decideApplication } from '../../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../../functions/usecases/dispatch-package.ts';
import type { PayoutDeps } from '../../../functions/usecases/payouts.ts';
import { requestUpload } from '../../../functions/usecases/request-upload.ts';
import { settleUploadedObject } from '../../../functions/usecases/settle-uploaded-object.ts';
import { submitApplication } from '../../../functions/usecases/submit-application.ts';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamodb.ts';
import { type LocalS3, startLocalS3 } from '../../../infra/local/s3/index.ts';
import { applicationBody } from '../../support/applications.ts';
import { seedCourts } from '../../support/courts.ts';
import { createS3Client } from '../../support/s3-sdk.ts';
import { LOCAL_CREDENTIALS, REGION, sha256Hex } from '../s3/support.ts';

/**
 * Materials integrity against the real stores (DynamoDB Local, the local S3 front); the workflow
 * and the insurer are recording fakes. Disbursement checks every approved document against the
 * stored object before anything is sent, so an object written over an approved scan without the
 * system hearing of it (no S3 event, as when one is lost) is caught there. An upload grant from
 * before a submission stays useless after it, even once the application is returned.
 */
const BUCKET = 'relief-documents';

class RecordingWorkflow implements Workflow {
  async start(name: string) {
    return { executionArn: `arn:local:execution:${name}` };
  }
  async sendTaskSuccess() {
    return 'sent' as const;
  }
  async describe() {
    return { status: 'RUNNING' as const };
  }
}

class RecordingInsurer implements InsurerClient {
  packages: InsurerPackage[] = [];
  async send(pkg: InsurerPackage) {
    this.packages.push(pkg);
  }
}

let stopDynamo: () => Promise<void>;
let s3: LocalS3;
let client: S3Client;
let thin: S3Http;
let deps: PayoutDeps & { quotas: DynamoQuotaLedger };
let insurer: RecordingInsurer;
let counter = 0;
const clerk: Principal = { sub: 'clerk-e', court: 'BJ0105', roles: ['clerk'] };
const basic: Principal = { sub: 'approver-e1', court: 'BJ0105', roles: ['approver'] };
const high: Principal = { sub: 'approver-e2', court: 'BJ', roles: ['approver'] };

beforeAll(async () => {
  const ddb = await startDynamoDbLocal();
  stopDynamo = ddb.stop;
  s3 = await startLocalS3({ credentials: LOCAL_CREDENTIALS, region: REGION, buckets: [BUCKET] });
  client = createS3Client({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
  thin = new S3Http({ region: REGION, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
  const { client: dynamo, doc } = createLocalDynamoClients(ddb.endpoint);
  await ensureTable(dynamo, 'relief');
  const campaigns = new DynamoCampaignStore(doc, 'relief');
  await campaigns.put(demoCampaign(new Date()));
  await campaigns.seedQuota('demo', 'BJ', 100_000_000, new Date().toISOString());
  insurer = new RecordingInsurer();
  deps = {
    repo: new DynamoApplicationRepository(doc, 'relief'),
    campaigns,
    courts: seedCourts,
    workflow: new RecordingWorkflow(),
    storage: new S3DocumentStorage(thin, BUCKET, { uploadTtlSeconds: 900, downloadTtlSeconds: 300 }),
    insurer: () => insurer,
    quotas: new DynamoQuotaLedger(doc, 'relief'),
    now: () => new Date(),
    newId: () => `01JEVD${String(++counter).padStart(20, '0')}`,
  };
});

afterAll(async () => {
  client?.destroy();
  thin?.destroy();
  await s3?.close();
  await stopDynamo?.();
});

const scan = (label: string) => Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`);

/** A presigned upload grant for `bytes` (a pending document). */
async function grant(id: string, type: (typeof DOCUMENT_TYPES)[number], bytes: Buffer) {
  const granted = await requestUpload(deps, clerk, id, {
    type,
    contentType: 'application/pdf',
    sizeBytes: bytes.length,
    sha256: sha256Hex(bytes),
  });
  const { documentId, upload } = granted as {
    documentId: string;
    upload: { url: string; headers: Record<string, string> };
  };
  const key = (await deps.repo.getDocument(id, documentId))?.s3Key as string;
  /** PUTs the bytes through the grant and settles the object as the S3 event would. */
  const send = async () => {
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(
      200,
    );
    return settleUploadedObject(deps, key);
  };
  return { documentId, key, send };
}

/** A draft with the six scans uploaded through presigned PUTs. */
async function uploadedDraft() {
  const created = await createApplication(deps, clerk, applicationBody() as never);
  const id = created.id;
  const keys = new Map<string, string>();
  const scans = new Map<string, Buffer>();
  for (const type of DOCUMENT_TYPES) {
    const bytes = scan(`${type} of ${id}`);
    const g = await grant(id, type, bytes);
    expect(await g.send()).toBe('uploaded');
    keys.set(type, g.key);
    scans.set(type, bytes);
  }
  return { id, keys, scans };
}

/** uploadedDraft, submitted and approved at both levels. */
async function awaitingPayout() {
  const { id, keys, scans } = await uploadedDraft();
  await submitApplication(deps, clerk, id, { approvalForm: { reviewOpinion: '同意', reviewedBy: '李' } });
  await decideApplication(deps, basic, id, { decision: 'approve', comment: '' });
  const last = await decideApplication(deps, high, id, { decision: 'approve', comment: '' });
  expect(last.status).toBe('awaiting_payout');
  return { id, keys, scans };
}

async function overwrite(key: string, body: Buffer, withChecksum: boolean) {
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/pdf',
      ...(withChecksum ? { ChecksumSHA256: createHash('sha256').update(body).digest('base64') } : {}),
    }),
  );
}

describe('dispatch verifies the approved evidence against the stored objects', () => {
  it('sends exactly the evidence set of the final approval when every object is intact', async () => {
    const { id } = await awaitingPayout();
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `ok-${id}` });
    const sent = insurer.packages.filter((p) => p.applicationId === id);
    expect(sent).toHaveLength(1);
    const app = await deps.repo.get(id);
    const approved = app?.decisions?.find((d) => d.outcome === 'approved')?.documents ?? [];
    expect(approved).toHaveLength(6);
    expect(sent[0]?.documents.map((d) => ({ type: d.type, sha256: d.sha256 }))).toEqual(
      approved.map((d) => ({ type: d.type, sha256: d.sha256 })),
    );
    expect(app?.integrityHold ?? null).toBeNull();
  });

  it.each([
    ['S3 kept a SHA-256 checksum of the new object (HeadObject answers)', true],
    ['the new object has no SHA-256 checksum (read and hashed)', false],
  ])(
    'withholds the package when an approved object was overwritten unnoticed: %s',
    async (_how, withChecksum) => {
      const { id, keys } = await awaitingPayout();
      const key = keys.get('bank-account') as string;
      const forged = scan('another bank account');
      await overwrite(key, forged, withChecksum);
      // The path under test: S3's own checksum when it has one, else the bytes.
      expect((await headObject(thin, BUCKET, key, { checksum: true }))?.sha256Hex).toBe(
        withChecksum ? sha256Hex(forged) : undefined,
      );
      const quotaBefore = await deps.quotas.get('demo', 'BJ');

      await expect(
        dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `held-${id}` }),
      ).rejects.toMatchObject({ name: 'EvidenceMismatch' });

      expect(insurer.packages.filter((p) => p.applicationId === id)).toEqual([]);
      const app = await deps.repo.get(id);
      expect(app?.status).toBe('awaiting_payout');
      expect(app?.payout ?? null).toBeNull();
      expect(app?.quotaReservation).toMatchObject({ state: 'reserved', amountFen: 3_000_000 });
      expect(app?.integrityHold).toMatchObject({
        code: 'EVIDENCE_MISMATCH',
        documents: [{ type: 'bank-account', problem: 'OBJECT_CHANGED', actualSha256: sha256Hex(forged) }],
      });
      const withheld = (await deps.repo.listAudit(id)).filter((e) => e.action === 'package.withheld');
      expect(withheld).toHaveLength(1);
      expect(withheld[0]?.detail).toMatchObject({ code: 'EVIDENCE_MISMATCH', packageId: `PKG-${id}-1` });
      expect(await deps.quotas.get('demo', 'BJ')).toMatchObject({
        reservedFen: quotaBefore?.reservedFen,
        disbursedFen: quotaBefore?.disbursedFen,
      });
    },
  );

  it('sends once an operator restored the approved object, and clears the hold', async () => {
    const { id, keys, scans } = await awaitingPayout();
    const key = keys.get('identity') as string;
    await overwrite(key, scan('forged identity'), true);
    await expect(
      dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `r1-${id}` }),
    ).rejects.toMatchObject({ name: 'EvidenceMismatch' });
    await overwrite(key, scans.get('identity') as Buffer, true);
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `r2-${id}` });
    expect(insurer.packages.filter((p) => p.applicationId === id)).toHaveLength(1);
    const app = await deps.repo.get(id);
    expect(app?.integrityHold ?? null).toBeNull();
    expect(app?.payout).toMatchObject({ taskToken: `r2-${id}`, attempts: 1 });
  });
});

describe('late uploads', () => {
  it('rejects an object sent through a grant from before a submission even once the application is returned; a grant from after the return works', async () => {
    const { id } = await uploadedDraft();
    const early = await grant(id, 'identity', scan('identity, granted before submission'));
    await submitApplication(deps, clerk, id, { approvalForm: { reviewOpinion: '同意', reviewedBy: '李' } });
    await decideApplication(deps, basic, id, { decision: 'return', comment: '请补充材料' });
    expect((await deps.repo.get(id))?.status).toBe('returned');

    expect(await early.send()).toBe('rejected');
    expect(await deps.repo.getDocument(id, early.documentId)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'LATE_UPLOAD',
      uploadedAt: null,
    });
    const later = await grant(id, 'identity', scan('identity, granted after the return'));
    expect(await later.send()).toBe('uploaded');
  });
});
