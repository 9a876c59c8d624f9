import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { DynamoQuotaLedger } from '../../../functions/adapters/dynamodb/quotas.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { HANDOFF_GRACE_MS, type OutboxItem } from '../../../functions/ports/applications.ts';
import type { DocumentStorage } from '../../../functions/ports/campaigns.ts';
import {
  type InsurerClient,
  type InsurerPackage,
  InsurerUnavailableError,
} from '../../../functions/ports/insurer.ts';
import type { Workflow } from '../../../functions/ports/workflow.ts';

/** The reconciler's clock runs ahead of the stream's grace when a test says so. */
let skewMs = 0;

import { createApplication } from '../../../functions/usecases/create-application.ts';
import { decideApplication } from '../../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../../functions/usecases/dispatch-package.ts';
import { handOff } from '../../../functions/usecases/hand-off.ts';
import { handleInsurerEvent } from '../../../functions/usecases/handle-insurer-event.ts';
import type { PayoutDeps } from '../../../functions/usecases/payouts.ts';
import { reconcile } from '../../../functions/usecases/reconcile.ts';
import { submitApplication } from '../../../functions/usecases/submit-application.ts';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamodb.ts';
import { applicationBody } from '../../support/applications.ts';
import { seedCourts } from '../../support/courts.ts';
import { markAllDocumentsUploaded } from '../../support/store.ts';

/**
 * Insurer outage and a crash between recording a payout and answering the workflow, against DynamoDB
 * Local. The insurer and the workflow are the fault injectors (ports); the store is real.
 */
class RecordingWorkflow implements Workflow {
  sent: { token: string; output: unknown }[] = [];
  failSends = 0;
  used = new Set<string>();
  async start(name: string) {
    return { executionArn: `arn:local:execution:${name}` };
  }
  async sendTaskSuccess(token: string, output: unknown) {
    if (this.failSends > 0) {
      this.failSends--;
      throw Object.assign(new Error('connection reset'), { name: 'NetworkingError' });
    }
    if (this.used.has(token)) return 'gone' as const;
    this.used.add(token);
    this.sent.push({ token, output });
    return 'sent' as const;
  }
  /** Every execution this fake knows keeps running (test/integration/approval/redrive.test.ts loses them). */
  async describe() {
    return { status: 'RUNNING' as const };
  }
}

class FakeInsurer implements InsurerClient {
  down = false;
  packages: InsurerPackage[] = [];
  async send(pkg: InsurerPackage) {
    if (this.down) throw new InsurerUnavailableError('The insurer answered 503.');
    this.packages.push(pkg);
  }
}

const storage: DocumentStorage = {
  presignUpload: async () => ({ method: 'PUT', url: 'http://unused', headers: {}, expiresAt: '' }),
  presignDownload: async (key) => ({
    url: `http://127.0.0.1:1/${key}?signed`,
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
  }),
  // Every object is what markAllDocumentsUploaded recorded, so dispatch finds the evidence intact.
  inspect: async () => ({ sizeBytes: 1, sha256Hex: 'b'.repeat(64), contentType: 'application/pdf' }),
};

let stop: () => Promise<void>;
let deps: PayoutDeps & { quotas: DynamoQuotaLedger };
let workflow: RecordingWorkflow;
let insurer: FakeInsurer;
let counter = 0;
const clerk: Principal = { sub: 'clerk-p', court: 'BJ0105', roles: ['clerk'] };
const basic: Principal = { sub: 'approver-p1', court: 'BJ0105', roles: ['approver'] };
const high: Principal = { sub: 'approver-p2', court: 'BJ', roles: ['approver'] };

beforeAll(async () => {
  const ddb = await startDynamoDbLocal();
  stop = ddb.stop;
  const { client, doc } = createLocalDynamoClients(ddb.endpoint);
  await ensureTable(client, 'relief');
  const campaigns = new DynamoCampaignStore(doc, 'relief');
  await campaigns.put(demoCampaign(new Date()));
  await campaigns.seedQuota('demo', 'BJ', 100_000_000, new Date().toISOString());
  const repo = new DynamoApplicationRepository(doc, 'relief');
  workflow = new RecordingWorkflow();
  insurer = new FakeInsurer();
  deps = {
    repo,
    campaigns,
    courts: seedCourts,
    workflow,
    storage,
    insurer: () => insurer,
    quotas: new DynamoQuotaLedger(doc, 'relief'),
    now: () => new Date(Date.now() + skewMs),
    newId: () => `01JPAY${String(++counter).padStart(20, '0')}`,
  };
});

afterAll(async () => {
  await stop?.();
});

async function awaitingPayout(): Promise<string> {
  const created = await createApplication(deps, clerk, applicationBody() as never);
  const id = created.id;
  await markAllDocumentsUploaded(deps.repo, id, clerk, deps.newId);
  await submitApplication(deps, clerk, id, { approvalForm: { reviewOpinion: '同意', reviewedBy: '李' } });
  await decideApplication(deps, basic, id, { decision: 'approve', comment: '' });
  const last = await decideApplication(deps, high, id, { decision: 'approve', comment: '' });
  expect(last.status).toBe('awaiting_payout');
  return id;
}

describe('disbursement under faults', () => {
  it('survives an insurer outage: the dispatch fails loudly, a retry sends the same package', async () => {
    const id = await awaitingPayout();
    insurer.down = true;
    await expect(
      dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: 'tok-1' }),
    ).rejects.toMatchObject({
      name: 'InsurerUnavailable',
    });
    expect((await deps.repo.get(id))?.status).toBe('awaiting_payout');
    insurer.down = false;
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: 'tok-2' });
    const sent = insurer.packages.filter((p) => p.applicationId === id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ packageId: `PKG-${id}-1`, reliefAmountFen: 3_000_000 });
    expect(sent[0]?.documents).toHaveLength(6);
    expect(sent[0]?.approvals.map((a) => a.court)).toEqual(['BJ0105', 'BJ']);
    const app = await deps.repo.get(id);
    expect(app?.payout).toMatchObject({ taskToken: 'tok-2', attempts: 2 });
  });

  it('commits the quota once and answers the workflow after a crash between the two', async () => {
    const id = await awaitingPayout();
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `pay-${id}` });
    const before = await deps.quotas.get('demo', 'BJ');
    workflow.failSends = 1;
    const event = {
      id: `evt-${id}`,
      type: 'payout.succeeded' as const,
      packageId: `PKG-${id}-1`,
      amountFen: 3_000_000,
      paidAt: new Date().toISOString(),
      transactionRef: 'PICC-1',
    };
    expect(await handleInsurerEvent(deps, event)).toMatchObject({ received: true });
    expect(workflow.sent.filter((s) => s.token === `pay-${id}`)).toHaveLength(0);
    // The stream's hand-off fails (the connection drops); the sweep steps in after its grace.
    const [item] = (await deps.repo.listOutbox(100)).filter(
      (o) => o.applicationId === id && o.kind === 'deliver-payout',
    );
    await expect(handOff(deps, item as OutboxItem)).rejects.toThrow('connection reset');
    skewMs = HANDOFF_GRACE_MS;
    await reconcile(deps);
    await reconcile(deps);
    skewMs = 0;
    expect(workflow.sent.filter((s) => s.token === `pay-${id}`)).toEqual([
      { token: `pay-${id}`, output: { outcome: 'paid' } },
    ]);
    expect(await handleInsurerEvent(deps, event)).toMatchObject({ duplicate: true });
    const after = await deps.quotas.get('demo', 'BJ');
    expect((after?.disbursedFen ?? 0) - (before?.disbursedFen ?? 0)).toBe(3_000_000);
    expect((before?.reservedFen ?? 0) - (after?.reservedFen ?? 0)).toBe(3_000_000);
    expect(after?.availableFen).toBe(
      (after?.allocatedFen ?? 0) - (after?.reservedFen ?? 0) - (after?.disbursedFen ?? 0),
    );
  });

  it('processes two deliveries of one event racing each other exactly once', async () => {
    const id = await awaitingPayout();
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `race-${id}` });
    const before = await deps.quotas.get('demo', 'BJ');
    const event = {
      id: `evt-race-${id}`,
      type: 'payout.succeeded' as const,
      packageId: `PKG-${id}-1`,
      amountFen: 3_000_000,
      paidAt: new Date().toISOString(),
      transactionRef: 'PICC-2',
    };
    const results = await Promise.allSettled([
      handleInsurerEvent(deps, event),
      handleInsurerEvent(deps, event),
    ]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value.received)).toBe(true);
    const after = await deps.quotas.get('demo', 'BJ');
    expect((after?.disbursedFen ?? 0) - (before?.disbursedFen ?? 0)).toBe(3_000_000);
    const audit = await deps.repo.listAudit(id);
    expect(audit.filter((e) => e.action === 'payout.succeeded')).toHaveLength(1);
  });
});
