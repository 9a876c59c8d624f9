import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import { DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { demoCampaign } from '../../../functions/domain/campaigns.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { logger } from '../../../functions/lib/logger.ts';
import { type ApplicationRecord, HANDOFF_GRACE_MS } from '../../../functions/ports/applications.ts';
import type { DocumentStorage } from '../../../functions/ports/campaigns.ts';
import type { InsurerClient, InsurerPackage } from '../../../functions/ports/insurer.ts';
import type { ExecutionStatus, Workflow } from '../../../functions/ports/workflow.ts';
import { WORKFLOW_STUCK_MESSAGE } from '../../../functions/tasks/specs.ts';
import { createApplication } from '../../../functions/usecases/create-application.ts';
import { decideApplication } from '../../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../../functions/usecases/dispatch-package.ts';
import { handOff } from '../../../functions/usecases/hand-off.ts';
import type { PayoutDeps } from '../../../functions/usecases/payouts.ts';
import { reconcile } from '../../../functions/usecases/reconcile.ts';
import { recordTaskToken } from '../../../functions/usecases/record-task-token.ts';
import { MAX_FAILED_REDRIVES } from '../../../functions/usecases/redrive.ts';
import { redriveLostUploads } from '../../../functions/usecases/redrive-lost-uploads.ts';
import { redriveStuckWorkflows } from '../../../functions/usecases/redrive-stuck-workflows.ts';
import { requestUpload } from '../../../functions/usecases/request-upload.ts';
import { submitApplication } from '../../../functions/usecases/submit-application.ts';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamodb.ts';
import { applicationBody } from '../../support/applications.ts';
import { seedCourts } from '../../support/courts.ts';
import { markAllDocumentsUploaded } from '../../support/store.ts';

/**
 * The re-drive sweeps against DynamoDB Local, with a workflow engine that can lose its executions
 * (as the local engine does on restart) or see them fail. The engine models names, inputs, statuses
 * and tokens; the store is real. test/integration/restart/restart.test.ts does the same with the real
 * local runner stopped and started again.
 */
class Engine implements Workflow {
  executions = new Map<string, { status: ExecutionStatus; input: { level: number } }>();
  starts: { name: string; level: number }[] = [];
  sent: { token: string; output: unknown }[] = [];
  tokens = new Map<string, 'waiting' | 'used'>();
  failStarts = 0;
  async start(name: string, input: { applicationId: string; submissionSeq: number; level: number }) {
    if (this.failStarts > 0) {
      this.failStarts--;
      throw Object.assign(new Error('connection refused'), { name: 'NetworkingError' });
    }
    if (!this.executions.has(name)) {
      this.executions.set(name, { status: 'RUNNING', input });
      this.starts.push({ name, level: input.level });
    }
    return { executionArn: `arn:local:execution:${name}` };
  }
  async sendTaskSuccess(token: string, output: unknown) {
    if (this.tokens.get(token) !== 'waiting') return 'gone' as const;
    this.tokens.set(token, 'used');
    this.sent.push({ token, output });
    return 'sent' as const;
  }
  async describe(name: string) {
    return { status: this.executions.get(name)?.status ?? ('MISSING' as const) };
  }
  /** A task of `name` waits for a token (what the ASL's `$$.Task.Token` does). */
  token(name: string): string {
    const token = `${name}#${this.tokens.size}`;
    this.tokens.set(token, 'waiting');
    return token;
  }
  /** The engine restarts: every execution and token is forgotten (and the record of starts begins anew). */
  loseEverything() {
    this.executions.clear();
    this.tokens.clear();
    this.starts = [];
  }
  end(name: string, status: ExecutionStatus) {
    const e = this.executions.get(name);
    if (e) e.status = status;
  }
  startsOf(id: string) {
    return this.starts.filter((s) => s.name.startsWith(id));
  }
}

class Insurer implements InsurerClient {
  packages: InsurerPackage[] = [];
  async send(pkg: InsurerPackage) {
    this.packages.push(pkg);
  }
}

const objects = new Map<string, { sizeBytes: number; sha256Hex: string; contentType: string }>();
const storage: DocumentStorage = {
  presignUpload: async () => ({ method: 'PUT', url: 'http://unused', headers: {}, expiresAt: '' }),
  presignDownload: async (key) => ({ url: `http://127.0.0.1:1/${key}`, expiresAt: new Date().toISOString() }),
  inspect: async (key) => objects.get(key),
};

let stop: () => Promise<void>;
let repo: DynamoApplicationRepository;
let engine: Engine;
let insurer: Insurer;
let deps: PayoutDeps;
/** The reconciler's clock runs ahead of the hand-off's grace (HANDOFF_GRACE_MS) when a test says so. */
let skewMs = 0;

/** What the table's stream does after a request answered: hands off the application's new outbox items. */
async function streamHandOff(id: string): Promise<string[]> {
  const outcomes: string[] = [];
  for (const item of await repo.listOutbox(500)) {
    if (item.applicationId !== id || !('handoff' in item) || !item.handoff) continue;
    outcomes.push(await handOff(deps, item));
  }
  return outcomes;
}
let counter = 0;

const clerk = (court: string): Principal => ({ sub: `clerk-${court}`, court, roles: ['clerk'] });
const approver = (court: string): Principal => ({ sub: `approver-${court}`, court, roles: ['approver'] });
const form = { approvalForm: { reviewOpinion: '同意', reviewedBy: '李' } };

beforeAll(async () => {
  const ddb = await startDynamoDbLocal();
  stop = ddb.stop;
  const { client, doc } = createLocalDynamoClients(ddb.endpoint);
  await ensureTable(client, 'relief');
  const campaigns = new DynamoCampaignStore(doc, 'relief');
  await campaigns.put(demoCampaign(new Date()));
  await campaigns.seedQuota('demo', 'BJ', 100_000_000, new Date().toISOString());
  repo = new DynamoApplicationRepository(doc, 'relief');
  engine = new Engine();
  insurer = new Insurer();
  deps = {
    repo,
    campaigns,
    courts: seedCourts,
    workflow: engine,
    storage,
    insurer: () => insurer,
    now: () => new Date(Date.now() + skewMs),
    newId: () => `01JRDRV${String(++counter).padStart(19, '0')}`,
  };
});

afterAll(async () => {
  await stop?.();
});

afterEach(() => {
  skewMs = 0;
  vi.restoreAllMocks();
});

/** Submitted by 海淀 (route BJ0108 → BJ01 → BJ) or 朝阳 (BJ0105 → BJ), approved `levels` times. */
async function caseAt(court: 'BJ0108' | 'BJ0105', levels: number): Promise<string> {
  const prefix = court === 'BJ0108' ? '京0108' : '京0105';
  const created = await createApplication(
    deps,
    clerk(court),
    applicationBody({ courtPrefix: prefix }) as never,
  );
  const id = created.id;
  await markAllDocumentsUploaded(repo, id, clerk(court), deps.newId);
  // The objects are in the bucket as reviewed, so dispatch's evidence check passes.
  for (const d of await repo.listDocuments(id)) {
    objects.set(d.s3Key, { sizeBytes: d.sizeBytes, sha256Hex: d.sha256, contentType: d.contentType });
  }
  await submitApplication(deps, clerk(court), id, form);
  const route = (await repo.get(id))?.route ?? [];
  for (let level = 0; level < levels; level++) {
    await decideApplication(deps, approver(route[level] as string), id, { decision: 'approve', comment: '' });
  }
  return id;
}

const sweep = () => redriveStuckWorkflows(deps, { quietSeconds: 0 });
const app = async (id: string) => (await repo.get(id)) as ApplicationRecord;
const actions = async (id: string) => (await repo.listAudit(id)).map((e) => e.action);
const redrives = async (id: string) =>
  (await repo.listAudit(id)).filter((e) => e.action === 'workflow.redriven');

describe('re-driving lost workflows', () => {
  it('restarts a case waiting at level 2 at level 2, on the trail, and leaves it alone once it runs', async () => {
    const id = await caseAt('BJ0108', 2);
    expect(await app(id)).toMatchObject({ status: 'pending_approval', level: 2, pendingAt: 'BJ' });
    engine.loseEverything();

    await sweep();

    expect(engine.startsOf(id)).toEqual([{ name: `${id}-s1`, level: 2 }]);
    const [entry, ...more] = await redrives(id);
    expect(more).toEqual([]);
    expect(entry?.actor.sub).toBe('system:redrive');
    expect(entry?.detail).toMatchObject({
      submissionSeq: 1,
      trigger: 'sweep',
      found: { execution: `${id}-s1`, status: 'MISSING' },
      execution: `${id}-s1`,
      level: 2,
      pendingAt: 'BJ',
    });
    expect((await app(id)).submission?.redrive).toMatchObject({ count: 1, failures: 0, level: 2 });

    await sweep();
    expect(engine.startsOf(id)).toHaveLength(1);
    expect(await redrives(id)).toHaveLength(1);

    // The restarted execution asks level 2 (not 0 or 1 again) and the high court's approval reaches it.
    const token = engine.token(`${id}-s1`);
    const asked = await recordTaskToken(deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 2,
      taskToken: token,
      executionName: `${id}-s1`,
    });
    expect(asked).toEqual({ recorded: 'recorded', answered: false });
    await decideApplication(deps, approver('BJ'), id, { decision: 'approve', comment: '' });
    // The decision answered first; the stream's hand-off then sends it to the restarted execution.
    expect(await streamHandOff(id)).toEqual(['sent']);
    expect(engine.sent.find((s) => s.token === token)?.output).toMatchObject({ outcome: 'approved' });
  });

  it('restarts an awaiting_payout case at its approved level, so the same package goes out again', async () => {
    const id = await caseAt('BJ0105', 2);
    const before = await app(id);
    expect(before.status).toBe('awaiting_payout');
    await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: engine.token(`${id}-s1`) });
    engine.loseEverything();

    await sweep();

    expect(engine.startsOf(id)).toEqual([{ name: `${id}-s1`, level: 1 }]);
    expect((await redrives(id))[0]?.detail).toMatchObject({ level: 1, packageId: `PKG-${id}-1` });
    // The token task of the restarted execution finds the recorded approval and answers at once...
    const token = engine.token(`${id}-s1`);
    const asked = await recordTaskToken(deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 1,
      taskToken: token,
      executionName: `${id}-s1`,
    });
    expect(asked.answered).toBe(true);
    expect(engine.sent.find((s) => s.token === token)?.output).toMatchObject({ outcome: 'approved' });
    // ...and the dispatch sends the package with the same packageId, for the insurer to de-duplicate.
    await dispatchPackage(deps, {
      applicationId: id,
      submissionSeq: 1,
      taskToken: engine.token(`${id}-s1`),
      executionName: `${id}-s1`,
    });
    const sent = insurer.packages.filter((p) => p.applicationId === id).map((p) => p.packageId);
    expect(sent).toEqual([`PKG-${id}-1`, `PKG-${id}-1`]);
    const after = await app(id);
    expect(after.payout).toMatchObject({ packageId: `PKG-${id}-1`, attempts: 2 });
    expect(after.quotaReservation).toEqual(before.quotaReservation);
  });

  it('does not drop a final approval whose token died with the execution: the reconciler re-drives it', async () => {
    const id = await caseAt('BJ0105', 1);
    await recordTaskToken(deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 1,
      taskToken: engine.token(`${id}-s1`),
    });
    engine.loseEverything();

    const decided = await decideApplication(deps, approver('BJ'), id, { decision: 'approve', comment: '' });
    expect(decided.status).toBe('awaiting_payout');
    const finalDelivery = async () =>
      (await repo.listOutbox(500)).some(
        (o) => o.applicationId === id && o.kind === 'deliver-decision' && o.level === 1,
      );
    // The token was 'gone': the decision's outbox item stays until the workflow is known to carry on.
    expect(await finalDelivery()).toBe(true);
    // The stream's hand-off finds the token gone and leaves the item to the reconciler, which steps in
    // once the hand-off's grace has passed.
    expect(await streamHandOff(id)).toEqual(['gone']);
    expect(await finalDelivery()).toBe(true);
    skewMs = HANDOFF_GRACE_MS + 1_000;
    await reconcile(deps);

    expect(await finalDelivery()).toBe(false);
    expect(engine.startsOf(id)).toEqual([{ name: `${id}-s1`, level: 1 }]);
    expect((await redrives(id))[0]?.detail).toMatchObject({ trigger: 'undelivered-decision', level: 1 });
    expect((await actions(id)).filter((a) => a === 'decision.approve')).toHaveLength(2);
    // The level-0 delivery no execution ever asked for is obsolete now that the chain restarted past it.
    await reconcile(deps);
    expect((await repo.listOutbox(500)).some((o) => o.applicationId === id)).toBe(false);
  });

  it('gives an execution that ended a new name, ends the old one’s tasks, and alarms after repeated failures', async () => {
    const id = await caseAt('BJ0108', 1);
    const error = vi.spyOn(logger, 'error');
    let name = `${id}-s1`;
    for (let n = 1; n <= MAX_FAILED_REDRIVES; n++) {
      engine.executions.set(name, { status: 'RUNNING', input: { level: 1 } });
      engine.end(name, n === 2 ? 'TIMED_OUT' : 'FAILED');
      await sweep();
      const current = await app(id);
      expect(current.submission?.executionName).toBe(`${id}-s1-r${n}`);
      expect((await redrives(id))[n - 1]?.detail).toMatchObject({
        found: { execution: name, status: n === 2 ? 'TIMED_OUT' : 'FAILED' },
        execution: `${id}-s1-r${n}`,
        level: 1,
      });
      name = `${id}-s1-r${n}`;
    }
    expect(engine.startsOf(id).map((s) => s.name)).toEqual([
      `${id}-s1`,
      ...[1, 2, 3].map((n) => `${id}-s1-r${n}`),
    ]);
    // A task of the superseded execution ends instead of taking the level's token.
    await expect(
      recordTaskToken(deps, {
        applicationId: id,
        submissionSeq: 1,
        level: 1,
        taskToken: 'orphan',
        executionName: `${id}-s1`,
      }),
    ).rejects.toMatchObject({ name: 'Superseded' });
    await expect(
      dispatchPackage(deps, {
        applicationId: id,
        submissionSeq: 1,
        taskToken: 'orphan',
        executionName: `${id}-s1`,
      }),
    ).rejects.toMatchObject({ name: 'Superseded' });
    expect((await app(id)).taskToken).toBeNull();

    engine.end(name, 'FAILED');
    await sweep();

    const flagged = await app(id);
    expect(flagged.workflowAlarm).toMatchObject({
      submissionSeq: 1,
      code: 'REDRIVE_LIMIT_REACHED',
      found: { execution: 'FAILED', status: 'pending_approval', level: 1 },
      executionName: name,
    });
    expect(await actions(id)).toContain('workflow.alarm');
    expect(error).toHaveBeenCalledWith(
      WORKFLOW_STUCK_MESSAGE,
      expect.objectContaining({ applicationId: id, code: 'REDRIVE_LIMIT_REACHED' }),
    );
    const trail = (await repo.listAudit(id)).length;
    await sweep();
    expect(engine.startsOf(id)).toHaveLength(1 + MAX_FAILED_REDRIVES);
    expect((await repo.listAudit(id)).length).toBe(trail);
  });

  it('leaves a case whose package was withheld for an integrity hold to the operator, not to a re-drive', async () => {
    const id = await caseAt('BJ0105', 2);
    await repo.update(id, (current) => ({
      next: {
        ...current,
        integrityHold: {
          code: 'EVIDENCE_MISMATCH',
          packageId: `PKG-${id}-1`,
          at: current.updatedAt,
          documents: [],
        },
      },
      audit: {
        actor: clerk('BJ0105'),
        action: 'package.withheld',
        fromStatus: current.status,
        toStatus: current.status,
        detail: {},
      },
    }));
    engine.loseEverything();

    await sweep();

    expect(engine.startsOf(id)).toEqual([]);
    expect(await redrives(id)).toEqual([]);
    expect((await app(id)).workflowAlarm ?? null).toBeNull();
  });

  it('raises the alarm instead of re-driving a state it does not understand', async () => {
    const id = await caseAt('BJ0108', 1);
    await repo.update(id, (current) => ({
      next: { ...current, pendingAt: 'SH' },
      audit: {
        actor: clerk('BJ0108'),
        action: 'test.corrupted',
        fromStatus: null,
        toStatus: null,
        detail: {},
      },
    }));
    engine.loseEverything();
    const error = vi.spyOn(logger, 'error');

    await sweep();

    expect(engine.startsOf(id)).toEqual([]);
    expect((await app(id)).workflowAlarm).toMatchObject({ code: 'PENDING_AT_MISMATCH' });
    expect(error).toHaveBeenCalledWith(
      WORKFLOW_STUCK_MESSAGE,
      expect.objectContaining({ applicationId: id }),
    );
  });

  it('records a re-drive whose start failed, and starts it on the next run', async () => {
    const id = await caseAt('BJ0105', 0);
    // Only this case lost its execution: the one failing start is its own.
    engine.executions.delete(`${id}-s1`);
    engine.starts = [];
    engine.failStarts = 1;
    await sweep();
    expect(await actions(id)).toContain('workflow.redrive-failed');
    expect((await app(id)).submission?.redrive?.startFailures).toBe(1);
    engine.failStarts = 0;
    await sweep();
    expect(engine.startsOf(id)).toEqual([{ name: `${id}-s1`, level: 0 }]);
  });

  it('leaves a case alone that changed within the quiet period', async () => {
    const id = await caseAt('BJ0105', 0);
    engine.loseEverything();
    await redriveStuckWorkflows(deps, { quietSeconds: 60 });
    expect(engine.startsOf(id)).toEqual([]);
    await sweep();
    expect(engine.startsOf(id)).toHaveLength(1);
  });

  it('reads the in-flight index in bounded runs, each resuming where the last stopped, until the pass ends', async () => {
    const ids = [await caseAt('BJ0105', 0), await caseAt('BJ0108', 1), await caseAt('BJ0105', 2)];
    const draft = await createApplication(deps, clerk('BJ0105'), applicationBody() as never);
    engine.loseEverything();
    let runs = 0;
    let examined = 0;
    for (;;) {
      const result = await redriveStuckWorkflows(deps, { quietSeconds: 0, limit: 2 });
      runs++;
      examined += result.examined;
      expect(result.examined).toBeLessThanOrEqual(2);
      if (result.passComplete) break;
    }
    const inFlight = [];
    let cursor: string | null = null;
    do {
      const page = await repo.listInFlight({ before: new Date().toISOString(), limit: 1000, cursor });
      inFlight.push(...page.items.map((a) => a.id));
      cursor = page.cursor;
    } while (cursor);
    // A case re-driven in this pass moved behind the cursor and may be seen once more (running by then).
    expect(examined).toBeGreaterThanOrEqual(inFlight.length);
    expect(runs).toBeGreaterThan(1);
    expect(inFlight).not.toContain(draft.id);
    for (const id of ids) {
      expect(inFlight).toContain(id);
      expect(engine.startsOf(id)).toHaveLength(1);
    }
    // Settled or returned cases leave the index.
    const returned = ids[0] as string;
    await decideApplication(deps, approver('BJ0105'), returned, { decision: 'return', comment: '补充材料' });
    const page = await repo.listInFlight({ before: new Date().toISOString(), limit: 1000, cursor: null });
    expect(page.items.map((a) => a.id)).not.toContain(returned);
  });
});

describe('re-driving lost S3 events', () => {
  async function pendingUpload(): Promise<{ id: string; documentId: string; key: string }> {
    const created = await createApplication(deps, clerk('BJ0105'), applicationBody() as never);
    const id = created.id;
    const sha256 = 'c'.repeat(64);
    const res = await requestUpload(deps, clerk('BJ0105'), id, {
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: 10,
      sha256,
    });
    const documentId = res.documentId;
    const key = (await deps.repo.getDocument(id, documentId))?.s3Key as string;
    return { id, documentId, key };
  }

  it('settles a document whose object landed while its event was lost, through the S3 event’s use case', async () => {
    const upload = await pendingUpload();
    objects.set(upload.key, { sizeBytes: 10, sha256Hex: 'c'.repeat(64), contentType: 'application/pdf' });

    const result = await redriveLostUploads(deps, { quietSeconds: 0 });

    expect(result.outcomes.uploaded).toBeGreaterThanOrEqual(1);
    expect((await repo.getDocument(upload.id, upload.documentId))?.status).toBe('uploaded');
    const entry = (await repo.listAudit(upload.id)).find((e) => e.action === 'document.uploaded');
    expect(entry?.detail).toMatchObject({ documentId: upload.documentId, via: 'redrive' });
    const left = await repo.listPendingUploads({
      before: new Date().toISOString(),
      limit: 1000,
      cursor: null,
    });
    expect(left.items.map((d) => d.documentId)).not.toContain(upload.documentId);
  });

  it('rejects a landed object that differs from what was declared, as the S3 event would', async () => {
    const upload = await pendingUpload();
    objects.set(upload.key, { sizeBytes: 11, sha256Hex: 'd'.repeat(64), contentType: 'application/pdf' });
    await redriveLostUploads(deps, { quietSeconds: 0 });
    expect(await repo.getDocument(upload.id, upload.documentId)).toMatchObject({
      status: 'rejected',
      rejectedReason: 'SIZE_MISMATCH,CHECKSUM_MISMATCH',
    });
  });

  it('waits for an object not there yet, only for documents older than the quiet period, and retires one that can no longer arrive', async () => {
    const upload = await pendingUpload();
    await redriveLostUploads(deps, { quietSeconds: 60 });
    const listed = async () =>
      (
        await repo.listPendingUploads({
          before: new Date(Date.now() + 86_400_000).toISOString(),
          limit: 1000,
          cursor: null,
        })
      ).items.map((d) => d.documentId);
    expect(await listed()).toContain(upload.documentId);
    await redriveLostUploads(deps, { quietSeconds: 0 });
    expect(await listed()).toContain(upload.documentId);

    const later = { ...deps, now: () => new Date(Date.now() + 3 * 3600_000) };
    const result = await redriveLostUploads(later, { quietSeconds: 60 });

    expect(result.outcomes.abandoned).toBeGreaterThanOrEqual(1);
    expect(await listed()).not.toContain(upload.documentId);
    expect((await repo.getDocument(upload.id, upload.documentId))?.status).toBe('pending');
  });
});
