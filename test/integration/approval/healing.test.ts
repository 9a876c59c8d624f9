import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { HANDOFF_GRACE_MS, type OutboxItem } from '../../../functions/ports/applications.ts';
import type { Workflow } from '../../../functions/ports/workflow.ts';
import type { ApprovalDeps } from '../../../functions/usecases/approval-steps.ts';
import { createApplication } from '../../../functions/usecases/create-application.ts';
import { decideApplication } from '../../../functions/usecases/decide-application.ts';
import { handOff } from '../../../functions/usecases/hand-off.ts';
import { reconcile } from '../../../functions/usecases/reconcile.ts';
import { recordTaskToken } from '../../../functions/usecases/record-task-token.ts';
import { submitApplication } from '../../../functions/usecases/submit-application.ts';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamodb.ts';
import { OutboxStream } from '../../../infra/local/outbox-stream.ts';
import { applicationBody } from '../../support/applications.ts';
import { seedCourts } from '../../support/courts.ts';
import { markAllDocumentsUploaded } from '../../support/store.ts';

/**
 * A crash between a transaction and its follow-up (starting the execution, sending the task token)
 * is simulated by a workflow that fails; the outbox written in the same transaction lets the
 * reconciler finish the job exactly once. Real DynamoDB Local; the workflow port is the fault injector.
 */
class FlakyWorkflow implements Workflow {
  starts: string[] = [];
  sent: { token: string; output: unknown }[] = [];
  failStarts = 0;
  failSends = 0;
  used = new Set<string>();
  async start(name: string) {
    if (this.failStarts > 0) {
      this.failStarts--;
      throw Object.assign(new Error('connection reset'), { name: 'NetworkingError' });
    }
    if (!this.starts.includes(name)) this.starts.push(name);
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

let stop: () => Promise<void>;
let deps: ApprovalDeps;
let workflow: FlakyWorkflow;
let repo: DynamoApplicationRepository;
let counter = 0;
/** The reconciler's clock runs ahead of the stream's grace when a test says so. */
let skewMs = 0;
/** The stream's hand-offs wait for this while a test holds them. */
let gate: Promise<void> = Promise.resolve();
let stream: OutboxStream;
const handedOff: string[] = [];

const clerk: Principal = { sub: 'clerk-1', court: 'BJ0105', roles: ['clerk'] };
const basicApprover: Principal = { sub: 'approver-1', court: 'BJ0105', roles: ['approver'] };
const highApprover: Principal = { sub: 'approver-2', court: 'BJ', roles: ['approver'] };

beforeAll(async () => {
  const ddb = await startDynamoDbLocal();
  stop = ddb.stop;
  const { client, doc } = createLocalDynamoClients(ddb.endpoint);
  await ensureTable(client, 'relief');
  const campaigns = new DynamoCampaignStore(doc, 'relief');
  await campaigns.put(demoCampaign(new Date()));
  repo = new DynamoApplicationRepository(doc, 'relief');
  workflow = new FlakyWorkflow();
  deps = {
    repo,
    campaigns,
    courts: seedCourts,
    workflow,
    now: () => new Date(Date.now() + skewMs),
    newId: () => `01JTEST${String(++counter).padStart(19, '0')}`,
  };
  // The local runner's stream emulation on this client, delivering as the hand-off entry does.
  stream = new OutboxStream(async (event) => {
    await gate;
    for (const record of event.Records) {
      const item = unmarshall(record.dynamodb?.NewImage as never) as OutboxItem;
      handedOff.push(`${item.applicationId}:${await handOff(deps, item).catch(() => 'failed')}`);
    }
  });
  stream.install(doc);
});

afterAll(async () => {
  await stop?.();
});

async function submittedApplication(): Promise<string> {
  const created = await createApplication(deps, clerk, applicationBody() as never);
  const id = created.id;
  await markAllDocumentsUploaded(deps.repo, id, clerk, deps.newId);
  return id;
}

const form = { approvalForm: { reviewOpinion: '同意', reviewedBy: '李' } };

describe('healing interrupted follow-ups', () => {
  it('starts the execution of a submission whose start failed, once', async () => {
    const id = await submittedApplication();
    workflow.failStarts = 1;
    const res = await submitApplication(deps, clerk, id, form);
    expect(res.status).toBe('pending_approval');
    expect(workflow.starts).not.toContain(`${id}-s1`);
    expect((await repo.listOutbox(100)).some((o) => o.applicationId === id)).toBe(true);
    await reconcile(deps);
    await reconcile(deps);
    expect(workflow.starts.filter((n) => n === `${id}-s1`)).toHaveLength(1);
    expect((await repo.listOutbox(100)).some((o) => o.applicationId === id)).toBe(false);
  });

  it('resends a decision whose task-token callback was lost, and never applies it twice', async () => {
    const id = await submittedApplication();
    await submitApplication(deps, clerk, id, form);
    await recordTaskToken(deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 0,
      taskToken: `token-${id}-0`,
    });
    workflow.failSends = 1;
    const decided = await decideApplication(deps, basicApprover, id, { decision: 'approve', comment: '' });
    expect(decided.pendingAt).toBe('BJ');
    await stream.idle();
    expect(handedOff).toContain(`${id}:failed`);
    expect(workflow.sent.filter((s) => s.token === `token-${id}-0`)).toHaveLength(0);
    // The sweep steps in once the stream's grace is over.
    skewMs = HANDOFF_GRACE_MS;
    await reconcile(deps);
    await reconcile(deps);
    skewMs = 0;
    const sent = workflow.sent.filter((s) => s.token === `token-${id}-0`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.output).toMatchObject({ outcome: 'next-level', decidedLevel: 0, nextLevel: 1 });
    const audit = await repo.listAudit(id);
    expect(audit.filter((e) => e.action === 'decision.approve')).toHaveLength(1);
  });

  it('answers a decision while its hand-off is held, then hands it off through the stream, once', async () => {
    const id = await submittedApplication();
    await submitApplication(deps, clerk, id, form);
    const token = `held-${id}`;
    await recordTaskToken(deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: token });
    let release: () => void = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const decided = await decideApplication(deps, basicApprover, id, { decision: 'approve', comment: '' });
      expect(decided).toMatchObject({ status: 'pending_approval', pendingAt: 'BJ' });
      // Answered, and the workflow has heard nothing: the outbox item waits for the stream.
      expect(workflow.sent.filter((s) => s.token === token)).toHaveLength(0);
      expect((await repo.listOutbox(100)).filter((o) => o.applicationId === id)).toHaveLength(1);
    } finally {
      release();
      gate = Promise.resolve();
    }
    await stream.idle();
    expect(handedOff).toContain(`${id}:sent`);
    const sent = workflow.sent.filter((s) => s.token === token);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.output).toMatchObject({ outcome: 'next-level', decidedLevel: 0, nextLevel: 1 });
    expect((await repo.listOutbox(100)).some((o) => o.applicationId === id)).toBe(false);
  });

  it('hands off the decisions of one application in the order they were written', async () => {
    const id = await submittedApplication();
    await submitApplication(deps, clerk, id, form);
    const order: string[] = [];
    const send = workflow.sendTaskSuccess.bind(workflow);
    workflow.sendTaskSuccess = async (token, output) => {
      order.push(token);
      return send(token, output);
    };
    let release: () => void = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await recordTaskToken(deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: `o0-${id}` });
      await decideApplication(deps, basicApprover, id, { decision: 'approve', comment: '' });
      await recordTaskToken(deps, { applicationId: id, submissionSeq: 1, level: 1, taskToken: `o1-${id}` });
      await decideApplication(deps, highApprover, id, { decision: 'return', comment: '补充材料' });
    } finally {
      release();
      gate = Promise.resolve();
      await stream.idle();
      workflow.sendTaskSuccess = send;
    }
    expect(order).toEqual([`o0-${id}`, `o1-${id}`]);
  });

  it('answers the token itself when the decision arrived before the token was recorded', async () => {
    const id = await submittedApplication();
    await submitApplication(deps, clerk, id, form);
    await decideApplication(deps, basicApprover, id, { decision: 'approve', comment: '' });
    const result = await recordTaskToken(deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 0,
      taskToken: `late-${id}`,
    });
    expect(result.answered).toBe(true);
    expect(workflow.sent.filter((s) => s.token === `late-${id}`)).toHaveLength(1);
    await reconcile(deps);
    expect(workflow.sent.filter((s) => s.token === `late-${id}`)).toHaveLength(1);
  });

  it('ends a superseded execution: its token is not recorded on a newer submission', async () => {
    const id = await submittedApplication();
    await submitApplication(deps, clerk, id, form);
    await expect(
      recordTaskToken(deps, { applicationId: id, submissionSeq: 7, level: 0, taskToken: 'stale' }),
    ).rejects.toMatchObject({ name: 'Superseded' });
  });
});
