import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import {
  DynamoApplicationRepository,
  storedApplicationItems,
} from '../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../functions/adapters/dynamodb/campaigns.ts';
import { createMemoryAdapters } from '../../functions/adapters/memory/index.ts';
import { CreateApplicationBody } from '../../functions/http/schemas.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { type ApplicationRecord, DOCUMENT_TYPES } from '../../functions/ports/applications.ts';
import type { Workflow } from '../../functions/ports/workflow.ts';
import type { ApprovalDeps } from '../../functions/usecases/approval-steps.ts';
import { createApplication } from '../../functions/usecases/create-application.ts';
import { documentKey } from '../../functions/usecases/documents.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';

/** The local stack's table and documents bucket (infra/local/stack.ts). */
const TABLE = 'relief';
const BUCKET = 'relief-documents';
const LOCAL_CREDENTIALS = { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' };

/**
 * Brings hundreds of applications to "pending at their first level" in seconds, for e2e tests that need
 * that many (creating, uploading six scans and submitting takes seconds per case over HTTP, and as
 * long through the DynamoDB repository's ten transactions per case on this machine's DynamoDB Local).
 *
 * The system's own code makes each application: the create and submit use cases, with the six
 * materials recorded as their upload events settle them (`uploaded`, each with its scan's size and
 * SHA-256, without the events' audit entries; the scan itself is written to its key in the stack's bucket, so a disbursement's evidence
 * check passes), run against the in-memory repository. The result — record, documents, audit chain,
 * the submission's outbox item — is then loaded into the stack's table in the DynamoDB repository's
 * own item shape (`storedApplicationItems`) with BatchWriteItem, and the submission's report counter
 * (`pending`) is added to the high court's and the court's rows. The workflow is left to the stack:
 * the outbox item makes its reconciler start each execution, as after a crash between a submission's
 * transaction and its start when deployed; `tokensRecorded` waits for them if a test wants.
 */
export function pendingSeeder(endpoints: { dynamodb: string; s3: string }) {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: endpoints.dynamodb, credentials: LOCAL_CREDENTIALS }),
  );
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: endpoints.s3,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const repo = new DynamoApplicationRepository(doc, TABLE);
  const memory = createMemoryAdapters({ now: () => new Date(), newId: ulid });
  // The submission's execution is the stack's to start: its outbox item stays for the reconciler.
  const stackOnly: Workflow = {
    start: async () => {
      throw new Error('the stack starts the execution');
    },
    sendTaskSuccess: async () => 'gone',
    describe: async () => ({ status: 'MISSING' }),
  };
  const deps: ApprovalDeps = { ...memory, workflow: stackOnly };
  let campaignLoaded = false;

  /** The six materials: each scan written to its key in the bucket, its record as its upload event settles it. */
  async function addScans(id: string, clerk: Principal) {
    const scans = DOCUMENT_TYPES.map((type) => {
      const documentId = ulid();
      return {
        type,
        documentId,
        s3Key: documentKey(id, documentId),
        scan: Buffer.from(`%PDF-1.4\n% ${type} for ${id}\n%%EOF\n`),
      };
    });
    // Before the records exist in the table: each object's event finds none and is ignored.
    await Promise.all(
      scans.map(({ s3Key, scan }) =>
        s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: s3Key, Body: scan, ContentType: 'application/pdf' }),
        ),
      ),
    );
    // The records as the upload events leave them. Their `document.uploaded` audit entries are left
    // out: a third fewer items to load, and nothing the decisions read.
    const at = new Date().toISOString();
    memory.state.documents.set(
      id,
      new Map(
        scans.map(({ type, documentId, s3Key, scan }) => [
          documentId,
          {
            applicationId: id,
            documentId,
            type,
            contentType: 'application/pdf',
            sizeBytes: scan.length,
            sha256: createHash('sha256').update(scan).digest('hex'),
            status: 'uploaded' as const,
            s3Key,
            createdAt: at,
            createdBy: clerk.sub,
            uploadedAt: at,
            rejectedReason: null,
          },
        ]),
      ),
    );
  }

  /** BatchWriteItem, 25 items a request, a few requests in flight, unprocessed items sent again. */
  async function batchWrite(items: Record<string, unknown>[]) {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        let pending = (chunks[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
          pending = (out.UnprocessedItems?.[TABLE] ?? []) as typeof pending;
          if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  return {
    repo,
    /**
     * Creates, documents and submits `bodies` (as POST /applications takes them) for `clerk`, and loads
     * them into the stack's table; their ids, in order.
     */
    async pending(clerk: Principal, bodies: readonly unknown[]): Promise<string[]> {
      if (!campaignLoaded) {
        const campaign = await new DynamoCampaignStore(doc, TABLE).get('demo');
        if (!campaign) throw new Error('the stack has no demo campaign');
        await memory.campaigns.put(campaign);
        campaignLoaded = true;
      }
      const ids = new Array<string>(bodies.length);
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const i = next++;
          const created = await createApplication(deps, clerk, CreateApplicationBody.parse(bodies[i]));
          const id = created.id;
          await addScans(id, clerk);
          await submitApplication(deps, clerk, id, {
            approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '批量测试法官' },
          });
          ids[i] = id;
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const items: Record<string, unknown>[] = [];
      const pendingBy = new Map<string, number>();
      for (const id of ids) {
        const app = memory.state.applications.get(id) as ApplicationRecord;
        if (app.status !== 'pending_approval') throw new Error(`${id} is ${app.status}`);
        items.push(
          ...storedApplicationItems(TABLE, {
            app,
            documents: [...(memory.state.documents.get(id)?.values() ?? [])],
            audit: [...(memory.state.audit.get(id)?.values() ?? [])].sort((a, b) => a.seq - b.seq),
            outbox: [...memory.state.outbox.values()].filter((o) => o.applicationId === id),
          }),
        );
        for (const row of [`HIGH#${app.highCourtCode}`, `COURT#${app.highCourtCode}#${app.courtCode}`])
          pendingBy.set(`${app.campaignId}|${row}`, (pendingBy.get(`${app.campaignId}|${row}`) ?? 0) + 1);
      }
      await batchWrite(items);
      // The submissions' report counter, as their transactions would have moved it.
      for (const [key, n] of pendingBy) {
        const [campaignId, sk] = key.split('|') as [string, string];
        await doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { pk: `REPORT#${campaignId}`, sk },
            UpdateExpression: 'SET entity = :e, reportScope = :h ADD pending :n',
            ExpressionAttributeValues: { ':e': 'report-counters', ':h': sk, ':n': n },
          }),
        );
      }
      return ids;
    },
    /** Waits (bounded) until the stack's executions have recorded their first task token on every one. */
    async tokensRecorded(ids: readonly string[], timeoutMs = 30_000): Promise<ApplicationRecord[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const apps = await Promise.all(ids.map((id) => repo.get(id)));
        if (apps.every((a) => a?.taskToken)) return apps as ApplicationRecord[];
        console.info(`tokens: ${apps.filter((a) => a?.taskToken).length}/${ids.length} outbox-left?`);
        if (Date.now() > deadline)
          throw new Error(`${apps.filter((a) => !a?.taskToken).length} executions did not start`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close() {
      s3.destroy();
      doc.destroy();
    },
  };
}
