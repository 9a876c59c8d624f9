import { beforeEach, describe, expect, it } from 'vitest';
import { currentCorrelationId, withCorrelationId } from '../../functions/lib/correlation.ts';
import { toProblem } from '../../functions/lib/http.ts';
import { DOCUMENT_TYPES, HANDOFF_GRACE_MS } from '../../functions/ports/applications.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { type DecisionResult, decideApplication } from '../../functions/usecases/decide-application.ts';
import { escalateOverdue } from '../../functions/usecases/escalate-overdue.ts';
import { reconcile } from '../../functions/usecases/reconcile.ts';
import { recordTaskToken } from '../../functions/usecases/record-task-token.ts';
import { recordWorkflowFault } from '../../functions/usecases/record-workflow-fault.ts';
import { requestUpload } from '../../functions/usecases/request-upload.ts';
import { settleUploadedObject } from '../../functions/usecases/settle-uploaded-object.ts';
import { type SubmitResult, submitApplication } from '../../functions/usecases/submit-application.ts';
import {
  FORM,
  idempotencyFor,
  people,
  ROUTE_APPROVERS,
  refusal,
  refusedWithoutChange,
  type World,
  world,
} from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const approve = { decision: 'approve' as const, comment: '同意' };

describe('submitApplication (提交审批)', () => {
  it('moves a complete, eligible draft to the first level with its evidence set, and starts one execution', async () => {
    const id = await w.ready();
    const res = await submitApplication(w.deps, people.clerk, id, FORM);
    expect(res).toEqual({ id, status: 'pending_approval', pendingAt: 'JX0102', submissionSeq: 1 });
    const app = await w.repo.get(id);
    const docs = await w.repo.listDocuments(id);
    expect(app?.submission?.documents).toEqual(
      DOCUMENT_TYPES.map((type) => {
        const d = docs.find((x) => x.type === type);
        return { documentId: d?.documentId, type, sha256: d?.sha256 };
      }),
    );
    expect([...w.workflow.executions.keys()]).toEqual([`${id}-s1`]);
    expect(await w.repo.listOutbox(10)).toEqual([]);
    expect((await w.counters()).pending).toBe(1);
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'application.submitted',
      toStatus: 'pending_approval',
      detail: { submissionSeq: 1, approvalForm: FORM.approvalForm },
    });
  });

  it('answers a retry of a submission that went through with the same result and no second execution', async () => {
    const id = await w.ready();
    const first = await submitApplication(w.deps, people.clerk, id, FORM);
    const again = await submitApplication(w.deps, people.clerk, id, FORM);
    expect(again).toEqual(first);
    expect(w.workflow.executions.size).toBe(1);
    expect((await w.repo.listAudit(id)).filter((e) => e.action === 'application.submitted')).toHaveLength(1);
  });

  it('re-checks eligibility against the campaign as it is now: a consistent read, not a cached copy', async () => {
    const id = await w.ready();
    const reads: unknown[] = [];
    const get = w.deps.campaigns.get.bind(w.deps.campaigns);
    w.deps.campaigns.get = (campaignId: string, ...rest: unknown[]) => {
      reads.push(rest[0]);
      return get(campaignId, ...(rest as []));
    };
    expect((await submitApplication(w.deps, people.clerk, id, FORM)).status).toBe('pending_approval');
    // The DynamoDB store answers a read without { consistent: true } from its per-container cache.
    expect(reads.some((opts) => (opts as { consistent?: boolean } | undefined)?.consistent)).toBe(true);
  });

  it('keeps the submission when the execution cannot be started, and the reconciler starts it exactly once', async () => {
    const id = await w.ready();
    w.workflow.failStarts = 1;
    expect((await submitApplication(w.deps, people.clerk, id, FORM)).status).toBe('pending_approval');
    expect(w.workflow.executions.size).toBe(0);
    expect((await w.repo.listOutbox(10)).map((o) => o.kind)).toEqual(['start-execution']);
    expect(await reconcile(w.deps)).toEqual({ started: 1 });
    expect(await reconcile(w.deps)).toEqual({});
    expect([...w.workflow.executions.keys()]).toEqual([`${id}-s1`]);
  });

  it('refuses a submission outside the handling phase (409 OUTSIDE_HANDLING_WINDOW)', async () => {
    const id = await w.ready();
    w.clock.set(w.campaign.preparation.end);
    await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'OUTSIDE_HANDLING_WINDOW',
      status: 409,
    });
    w.clock.set(new Date(Date.parse(w.campaign.handling.end) + 1));
    await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'OUTSIDE_HANDLING_WINDOW',
      status: 409,
    });
  });

  it('refuses an application that the campaign’s limits, changed since the draft, no longer allow (422 INELIGIBLE)', async () => {
    const id = await w.ready();
    await w.campaigns.put({ ...w.campaign, standardLimitFen: 2_000_000 });
    const error = await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'INELIGIBLE',
      status: 422,
    });
    expect((error as { errors?: { code: string }[] }).errors?.map((e) => e.code)).toEqual([
      'SPECIAL_REASON_REQUIRED',
    ]);
  });

  it('refuses incomplete materials, naming each missing type (422 MATERIALS_INCOMPLETE); a rejected document does not count', async () => {
    const id = await w.create();
    await w.uploadAll(
      id,
      DOCUMENT_TYPES.filter((t) => t !== 'execution-report' && t !== 'bank-account'),
    );
    const { documentId } = await requestUpload(w.deps, people.clerk, id, {
      type: 'bank-account',
      contentType: 'application/pdf',
      sizeBytes: 3,
      sha256: 'a'.repeat(64),
    });
    const key = w.keyOf(id, documentId);
    w.storage.putObject(key, 'abc', 'application/pdf');
    expect(await settleUploadedObject(w.deps, key)).toBe('rejected');
    const error = await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'MATERIALS_INCOMPLETE',
      status: 422,
    });
    expect((error as { errors?: { path: string }[] }).errors?.map((e) => e.path)).toEqual([
      'documents.bank-account',
      'documents.execution-report',
    ]);
  });

  it('refuses anyone but a clerk of the executing court, and a withdrawn application', async () => {
    const id = await w.ready();
    await refusedWithoutChange(w, () => submitApplication(w.deps, people.basicApprover, id, FORM), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await refusedWithoutChange(w, () => submitApplication(w.deps, people.foreignClerk, id, FORM), {
      code: 'NOT_FOUND',
      status: 404,
    });
    const { withdrawApplication } = await import('../../functions/usecases/withdrawal.ts');
    await withdrawApplication(w.deps, people.clerk, id, { reason: '撤回' });
    await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'INVALID_STATUS',
      status: 409,
    });
  });

  it('submits the evidence as it is when a document settled between the read and the write', async () => {
    const id = await w.create();
    await w.uploadAll(id);
    let replacement = '';
    w.repo.faults.interleave(async () => {
      w.clock.advance(1000);
      replacement = (await w.upload(id, 'identity', 'a better identity scan')).documentId;
    });
    await submitApplication(w.deps, people.clerk, id, FORM);
    const submitted = (await w.repo.get(id))?.submission?.documents ?? [];
    expect(submitted.find((d) => d.type === 'identity')?.documentId).toBe(replacement);
  });

  it('gives up with 409 CONCURRENT_UPDATE (Retry-After) when the documents keep changing under the submission, submitting nothing', async () => {
    const id = await w.ready();
    let changes = 0;
    const change = async () => {
      changes++;
      w.clock.advance(1000);
      await w.upload(id, 'identity', `identity scan ${changes}`);
      if (changes < 10) w.repo.faults.interleave(change);
    };
    w.repo.faults.interleave(change);
    const error = await refusal(submitApplication(w.deps, people.clerk, id, FORM));
    expect(toProblem(error, 'req-1')).toMatchObject({ statusCode: 409, headers: { 'retry-after': '1' } });
    expect(error.code).toBe('CONCURRENT_UPDATE');
    w.repo.faults.reset();
    expect(changes).toBe(5);
    expect((await w.repo.get(id))?.status).toBe('draft');
    expect(w.workflow.executions.size).toBe(0);
  });

  it('records the key with the submission; a concurrent request with the same key is answered with the first response', async () => {
    const id = await w.ready();
    const write = idempotencyFor<SubmitResult>(
      people.clerk,
      'submitApplication',
      { id },
      's-1',
      FORM,
      (r) => ({ status: 202, body: r, headers: {} }),
    );
    w.repo.faults.interleave(async () => {
      await submitApplication(w.deps, people.clerk, id, FORM, write);
    });
    const replay = (await refusal(
      submitApplication(w.deps, people.clerk, id, FORM, write),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect(replay.record.response).toMatchObject({ status: 202, body: { submissionSeq: 1 } });
    expect((await w.repo.listAudit(id)).filter((e) => e.action === 'application.submitted')).toHaveLength(1);
  });
});

describe('decideApplication (审批)', () => {
  it('moves an approval level by level, recording the evidence each level saw', async () => {
    const id = await w.submitted();
    const first = await decideApplication(w.deps, people.basicApprover, id, approve);
    expect(first).toMatchObject({ status: 'pending_approval', pendingAt: 'JX01' });
    expect(first.decision).toMatchObject({ level: 0, court: 'JX0102', outcome: 'next-level' });
    expect(first.decision.documents).toEqual((await w.repo.get(id))?.submission?.documents);
    expect((await decideApplication(w.deps, people.midApprover, id, approve)).pendingAt).toBe('JX');
    const entries = await w.verifiedAudit(id);
    expect(entries.filter((e) => e.action === 'decision.approve').map((e) => e.actor.court)).toEqual([
      'JX0102',
      'JX01',
    ]);
  });

  it('reserves the relief amount from the high court’s quota in the same transaction as its final approval', async () => {
    const id = await w.submitted();
    const before = await w.quota();
    await w.approveAll(id);
    const app = await w.repo.get(id);
    expect(app).toMatchObject({
      status: 'awaiting_payout',
      pendingAt: null,
      quotaReservation: { highCourtCode: 'JX', amountFen: 3_000_000, state: 'reserved' },
    });
    expect(await w.quota()).toMatchObject({
      reservedFen: (before?.reservedFen ?? 0) + 3_000_000,
      availableFen: (before?.availableFen ?? 0) - 3_000_000,
    });
    expect((await w.counters()).approved).toBe(1);
  });

  it('refuses a final approval the remaining quota cannot cover (409 QUOTA_EXCEEDED), changing nothing', async () => {
    w = await world({ quotaFen: 5_000_000 });
    await w.approved();
    const second = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, second, approve);
    await decideApplication(w.deps, people.midApprover, second, approve);
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.highApprover, second, approve), {
      code: 'QUOTA_EXCEEDED',
      status: 409,
    });
    expect((await w.repo.get(second))?.pendingAt).toBe('JX');
  });

  it('never overspends the quota when final approvals race', async () => {
    w = await world({ quotaFen: 9_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await w.submitted();
      await decideApplication(w.deps, people.basicApprover, id, approve);
      await decideApplication(w.deps, people.midApprover, id, approve);
      ids.push(id);
    }
    const results = await Promise.allSettled(
      ids.map((id) => decideApplication(w.deps, people.highApprover, id, approve)),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r.reason as { code: string }).code);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
    expect(await w.quota()).toMatchObject({ reservedFen: 9_000_000, availableFen: 0 });
  });

  it('refuses a decision by anyone but an approver of the court where the application waits', async () => {
    const id = await w.submitted();
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.clerk, id, approve), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.highApprover, id, approve), {
      code: 'NOT_PENDING_AT_YOUR_COURT',
      status: 403,
    });
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.foreignApprover, id, approve), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('refuses the submitter a decision on what they submitted (403 SUBMITTER_CANNOT_DECIDE)', async () => {
    const id = await w.ready();
    await submitApplication(w.deps, people.clerkApprover, id, FORM);
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.clerkApprover, id, approve), {
      code: 'SUBMITTER_CANNOT_DECIDE',
      status: 403,
    });
    expect((await decideApplication(w.deps, people.basicApprover, id, approve)).pendingAt).toBe('JX01');
  });

  it('refuses a second decision on the same submission and level (409 DECISION_ALREADY_RECORDED)', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, approve);
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.basicApprover, id, approve), {
      code: 'DECISION_ALREADY_RECORDED',
      status: 409,
    });
    await decideApplication(w.deps, people.midApprover, id, approve);
    await decideApplication(w.deps, people.highApprover, id, approve);
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.highApprover, id, approve), {
      code: 'DECISION_ALREADY_RECORDED',
      status: 409,
    });
  });

  it('refuses a decision on a never-submitted draft (409 INVALID_STATUS)', async () => {
    const id = await w.ready();
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.basicApprover, id, approve), {
      code: 'INVALID_STATUS',
      status: 409,
    });
  });

  it('refuses a reject or return without a written reason (422 COMMENT_REQUIRED)', async () => {
    const id = await w.submitted();
    for (const decision of ['reject', 'return'] as const)
      await refusedWithoutChange(
        w,
        () => decideApplication(w.deps, people.basicApprover, id, { decision, comment: '  ' }),
        { code: 'COMMENT_REQUIRED', status: 422 },
      );
  });

  it('refuses an approval once an approved document’s object changed (422 MATERIALS_INCOMPLETE); a return is still possible', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, approve);
    const doc = (await w.repo.listDocuments(id)).find((d) => d.type === 'hardship-proof');
    w.storage.putObject(doc?.s3Key as string, 'swapped', 'application/pdf');
    await settleUploadedObject(w.deps, doc?.s3Key as string);
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.midApprover, id, approve), {
      code: 'MATERIALS_INCOMPLETE',
      status: 422,
    });
    const returned = await decideApplication(w.deps, people.midApprover, id, {
      decision: 'return',
      comment: '困难证明需重新上传',
    });
    expect(returned.status).toBe('returned');
  });

  it('decides on the evidence as it is when a document changed between the read and the write', async () => {
    const id = await w.submitted();
    const doc = (await w.repo.listDocuments(id)).find((d) => d.type === 'identity');
    w.repo.faults.interleave(async () => {
      w.storage.putObject(doc?.s3Key as string, 'swapped', 'application/pdf');
      await settleUploadedObject(w.deps, doc?.s3Key as string);
    });
    expect((await refusal(decideApplication(w.deps, people.basicApprover, id, approve))).code).toBe(
      'MATERIALS_INCOMPLETE',
    );
    expect((await w.repo.get(id))?.decisions).toEqual([]);
  });

  it('gives up with 409 CONCURRENT_UPDATE (Retry-After) when the application keeps changing under the decision, deciding nothing', async () => {
    const id = await w.submitted();
    let changes = 0;
    // Another writer records an audit entry on the application between every read and its write.
    const change = async () => {
      changes++;
      await w.repo.update(id, (current) => ({
        next: { ...current, version: current.version + 1 },
        audit: {
          actor: people.clerk,
          action: 'test.touched',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {},
        },
      }));
      if (changes < 10) w.repo.faults.interleave(change);
    };
    w.repo.faults.interleave(change);
    const error = await refusal(decideApplication(w.deps, people.basicApprover, id, approve));
    expect(toProblem(error, 'req-1')).toMatchObject({ statusCode: 409, headers: { 'retry-after': '1' } });
    expect(error.code).toBe('CONCURRENT_UPDATE');
    w.repo.faults.reset();
    expect(changes).toBe(5);
    expect((await w.repo.get(id))?.decisions).toEqual([]);
  });

  it('decides once the application holds still: a change between the read and the write only makes it read again', async () => {
    const id = await w.submitted();
    w.repo.faults.interleave(async () => {
      await w.repo.update(id, (current) => ({
        next: { ...current, version: current.version + 1 },
        audit: {
          actor: people.clerk,
          action: 'test.touched',
          fromStatus: current.status,
          toStatus: current.status,
          detail: {},
        },
      }));
    });
    const decided = await decideApplication(w.deps, people.basicApprover, id, approve);
    expect(decided.decision.court).toBe('JX0102');
    expect((await w.repo.get(id))?.decisions).toHaveLength(1);
  });

  it('returns for more material: the lock stays, the materials unfreeze, and a resubmission starts the chain again', async () => {
    const facts = w.facts();
    const id = await w.submitted(facts);
    await decideApplication(w.deps, people.basicApprover, id, approve);
    const returned = await decideApplication(w.deps, people.midApprover, id, {
      decision: 'return',
      comment: '补充执行情况报告',
    });
    expect(returned).toMatchObject({ status: 'returned', pendingAt: null });
    expect(await w.counters()).toMatchObject({ pending: 0, returned: 1 });
    expect((await refusal(w.create(facts))).code).toBe('DUPLICATE_APPLICATION');
    await w.upload(id, 'execution-report', 'a fuller execution report');
    const again = await submitApplication(w.deps, people.clerk, id, FORM);
    expect(again).toMatchObject({ pendingAt: 'JX0102', submissionSeq: 2 });
    expect((await w.repo.get(id))?.decisions).toEqual([]);
    expect([...w.workflow.executions.keys()]).toEqual([`${id}-s1`, `${id}-s2`]);
    expect(await w.counters()).toMatchObject({ pending: 1, returned: 0 });
  });

  it('rejects: the application is closed to further decisions and the case and person may apply again', async () => {
    const facts = w.facts();
    const id = await w.submitted(facts);
    const rejected = await decideApplication(w.deps, people.basicApprover, id, {
      decision: 'reject',
      comment: '不符合救助条件',
    });
    expect(rejected.status).toBe('rejected');
    expect(await w.counters()).toMatchObject({ pending: 0, rejected: 1 });
    expect(await w.create(facts)).not.toBe(id);
  });

  it('records the key with the decision; a concurrent request with the same key is answered with the first response', async () => {
    const id = await w.submitted();
    const write = idempotencyFor<DecisionResult>(
      people.basicApprover,
      'decideApplication',
      { id },
      'd-1',
      approve,
    );
    w.repo.faults.interleave(async () => {
      await decideApplication(w.deps, people.basicApprover, id, approve, write);
    });
    const replay = (await refusal(
      decideApplication(w.deps, people.basicApprover, id, approve, write),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect(replay.record.response.body).toMatchObject({ pendingAt: 'JX01', decision: { level: 0 } });
    expect((await w.repo.get(id))?.decisions).toHaveLength(1);
  });

  it('gives up with 409 CONCURRENT_UPDATE (Retry-After) when other writers keep winning, having written nothing', async () => {
    const id = await w.submitted();
    w.repo.faults.cancelNext(10);
    const error = await refusedWithoutChange(
      w,
      () => decideApplication(w.deps, people.basicApprover, id, approve),
      {
        code: 'CONCURRENT_UPDATE',
        status: 409,
      },
    );
    expect((error as { headers?: Record<string, string> }).headers).toEqual({ 'retry-after': '1' });
  });
  it('surfaces a table that stays throttled as 429 after bounded retries, having written nothing', async () => {
    const id = await w.submitted();
    w.repo.faults.cancelNext(10, 'ThrottlingError');
    const before = w.dump();
    const error = await refusal(decideApplication(w.deps, people.basicApprover, id, approve));
    expect(toProblem(error, 'req-1').statusCode).toBe(429);
    expect(w.dump()).toEqual(before);
  });
});

describe('the correlation id of deferred work', () => {
  /** The correlation id current at each workflow call (the execution input and the token answer carry it). */
  function watchCorrelation() {
    const seen: { call: string; id: string | undefined }[] = [];
    const { start, sendTaskSuccess } = w.workflow;
    w.workflow.start = (...args: Parameters<typeof start>) => {
      seen.push({ call: `start ${args[0]}`, id: currentCorrelationId() });
      return start.apply(w.workflow, args);
    };
    w.workflow.sendTaskSuccess = (...args: Parameters<typeof sendTaskSuccess>) => {
      seen.push({ call: `send ${args[0]}`, id: currentCorrelationId() });
      return sendTaskSuccess.apply(w.workflow, args);
    };
    return seen;
  }

  it('starts a late execution under the submitting request’s id, and leaves the sweep its own', async () => {
    const id = await w.ready();
    const seen = watchCorrelation();
    w.workflow.failStarts = 1;
    await withCorrelationId('req-submit-1', () => submitApplication(w.deps, people.clerk, id, FORM));
    expect((await w.repo.listOutbox(10)).map((o) => [o.kind, o.correlationId])).toEqual([
      ['start-execution', 'req-submit-1'],
    ]);
    const after = await withCorrelationId('sweep-1', async () => {
      expect(await reconcile(w.deps)).toEqual({ started: 1 });
      return currentCorrelationId();
    });
    expect(after).toBe('sweep-1');
    expect(seen).toEqual([
      { call: `start ${id}-s1`, id: 'req-submit-1' },
      { call: `start ${id}-s1`, id: 'req-submit-1' },
    ]);
  });

  it('resends a lost decision under the deciding request’s id, not the submission’s or the sweep’s', async () => {
    const id = await w.submitted();
    await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
    const seen = watchCorrelation();
    w.workflow.failSends = 1;
    await withCorrelationId('req-decide-1', () =>
      decideApplication(w.deps, people.basicApprover, id, approve),
    );
    // The stream's hand-off (its own invocation) fails; the sweep resends after the grace.
    expect(await withCorrelationId('stream-1', () => w.handOffAll())).toEqual(['failed']);
    w.clock.advance(HANDOFF_GRACE_MS);
    await withCorrelationId('sweep-2', () => reconcile(w.deps));
    expect(seen).toEqual([
      { call: 'send t0', id: 'req-decide-1' },
      { call: 'send t0', id: 'req-decide-1' },
    ]);
    expect(w.workflow.sent.map((s) => s.token)).toEqual(['t0']);
  });

  it('delivers an item written outside any request under the sweep’s own id', async () => {
    const id = await w.ready();
    const seen = watchCorrelation();
    w.workflow.failStarts = 1;
    await submitApplication(w.deps, people.clerk, id, FORM);
    expect((await w.repo.listOutbox(10))[0]?.correlationId).toBeUndefined();
    await withCorrelationId('sweep-3', () => reconcile(w.deps));
    expect(seen.at(-1)).toEqual({ call: `start ${id}-s1`, id: 'sweep-3' });
  });
});

describe('task tokens and the reconciler', () => {
  it('delivers a decision to the token of its level, once', async () => {
    const id = await w.submitted();
    expect(
      await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' }),
    ).toEqual({ recorded: 'recorded', answered: false });
    await decideApplication(w.deps, people.basicApprover, id, approve);
    // The decision answered without the workflow: the hand-off follows from its outbox item.
    expect(w.workflow.sent).toEqual([]);
    expect(await w.handOffAll()).toEqual(['sent']);
    expect(w.workflow.sent).toEqual([
      { token: 't0', output: { outcome: 'next-level', decidedLevel: 0, nextLevel: 1, court: 'JX0102' } },
    ]);
    expect(await w.repo.listOutbox(10)).toEqual([]);
    expect(await reconcile(w.deps)).toEqual({});
  });

  it('answers a decision while the hand-off is held; the hand-off then sends it once', async () => {
    const id = await w.submitted();
    await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const send = w.workflow.sendTaskSuccess.bind(w.workflow);
    w.workflow.sendTaskSuccess = async (token, output) => {
      await held;
      return send(token, output);
    };
    const decided = await decideApplication(w.deps, people.basicApprover, id, approve);
    expect(decided).toMatchObject({ status: 'pending_approval', pendingAt: 'JX01' });
    const handingOff = w.handOffAll();
    await new Promise((r) => setImmediate(r));
    expect(w.workflow.sent).toEqual([]);
    release();
    expect(await handingOff).toEqual(['sent']);
    expect(w.workflow.outputFor('t0')).toMatchObject({ outcome: 'next-level', decidedLevel: 0 });
    expect(await w.repo.listOutbox(10)).toEqual([]);
  });

  it('leaves a decision whose token is gone to the reconciler, which settles it once the workflow carries on', async () => {
    const id = await w.submitted();
    await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
    await decideApplication(w.deps, people.basicApprover, id, approve);
    w.workflow.expire('t0');
    expect(await w.handOffAll()).toEqual(['gone']);
    expect((await w.repo.listOutbox(10)).map((o) => o.kind)).toEqual(['deliver-decision']);
    // Not before the stream had its time: the sweep reads it only when due.
    expect(await reconcile(w.deps)).toEqual({});
    w.clock.advance(HANDOFF_GRACE_MS);
    expect(await reconcile(w.deps)).toMatchObject({ gone: 1 });
  });

  it('keeps a token recorded between a decision’s read and its write: the decision is delivered to it', async () => {
    const id = await w.submitted();
    // The workflow's token task records its token while the approver's decision is in flight.
    w.repo.faults.interleave(async () => {
      await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
    });
    await decideApplication(w.deps, people.basicApprover, id, approve);
    await w.handOffAll();
    expect(w.workflow.outputFor('t0')).toMatchObject({ outcome: 'next-level', decidedLevel: 0 });
    expect(await w.repo.listOutbox(10)).toEqual([]);
  });

  it('answers a token at once when its level was decided before the token arrived', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, approve);
    expect((await w.repo.listOutbox(10)).map((o) => o.kind)).toEqual(['deliver-decision']);
    const result = await recordTaskToken(w.deps, {
      applicationId: id,
      submissionSeq: 1,
      level: 0,
      taskToken: 'late',
    });
    expect(result.answered).toBe(true);
    expect(w.workflow.outputFor('late')).toMatchObject({ outcome: 'next-level' });
    expect(await w.repo.listOutbox(10)).toEqual([]);
  });

  it('resends a decision whose delivery was lost, exactly once', async () => {
    const id = await w.submitted();
    await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
    w.workflow.failSends = 1;
    await decideApplication(w.deps, people.basicApprover, id, approve);
    expect(await w.handOffAll()).toEqual(['failed']);
    expect(w.workflow.sent).toEqual([]);
    w.clock.advance(HANDOFF_GRACE_MS);
    expect(await reconcile(w.deps)).toEqual({ sent: 1 });
    expect(await reconcile(w.deps)).toEqual({});
    expect(w.workflow.sent.map((s) => s.token)).toEqual(['t0']);
  });

  it('ends a superseded execution: its token is never recorded on a newer submission', async () => {
    const id = await w.submitted();
    await expect(
      recordTaskToken(w.deps, { applicationId: id, submissionSeq: 7, level: 0, taskToken: 'stale' }),
    ).rejects.toMatchObject({ name: 'Superseded' });
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充' });
    await expect(
      recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 1, taskToken: 'gone' }),
    ).rejects.toMatchObject({ name: 'Superseded' });
    expect((await w.repo.get(id))?.taskToken).toBeNull();
  });

  it('defers a failing outbox item with backoff, so the items behind it are delivered first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await w.ready();
      w.workflow.failStarts = 1;
      await submitApplication(w.deps, people.clerk, id, FORM);
      ids.push(id);
      w.clock.advance(1000);
    }
    const [a, b, c] = ids;
    // A reconciler that reads two items: both fail (the connection is down for two calls).
    w.workflow.failStarts = 2;
    expect(await reconcile(w.deps, 2)).toEqual({ failed: 2 });
    // The next run (the same moment) reads past them: the third is started, the failed two wait.
    expect(await reconcile(w.deps, 2)).toEqual({ started: 1 });
    expect(w.workflow.startCalls).toEqual([`${c}-s1`]);
    const waiting = await w.repo.listOutbox(10);
    expect(waiting.map((o) => [o.applicationId, o.attempts])).toEqual([
      [a, 1],
      [b, 1],
    ]);
    // Due again after the backoff; failing again doubles the wait.
    w.clock.advance(5_000);
    w.workflow.failStarts = 1;
    expect(await reconcile(w.deps, 2)).toEqual({ failed: 1, started: 1 });
    expect(w.workflow.startCalls).toEqual([`${c}-s1`, `${b}-s1`]);
    const [again] = await w.repo.listOutbox(10);
    expect(again).toMatchObject({ applicationId: a, attempts: 2 });
    expect(Date.parse(again?.dueAt as string) - w.clock.now().getTime()).toBe(10_000);
    expect(await reconcile(w.deps)).toEqual({});
    w.clock.advance(10_000);
    expect(await reconcile(w.deps)).toEqual({ started: 1 });
    expect(await w.repo.listOutbox(10)).toEqual([]);
  });

  it('settles outbox items of a superseded submission as obsolete', async () => {
    const id = await w.ready();
    w.workflow.failStarts = 1;
    await submitApplication(w.deps, people.clerk, id, FORM);
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'reject', comment: '驳回' });
    expect(await reconcile(w.deps)).toEqual({ obsolete: 1, 'waiting-for-token': 1 });
  });

  it('puts escalations and workflow faults on the application’s trail', async () => {
    const id = await w.submitted();
    await escalateOverdue(w.deps, { applicationId: id, submissionSeq: 1, reason: 'LEVEL_OVERDUE' });
    await recordWorkflowFault(w.deps, {
      applicationId: id,
      submissionSeq: 1,
      error: { Error: 'States.Timeout', Cause: 'x' },
    });
    expect((await w.repo.get(id))?.escalations).toBe(1);
    const entries = await w.verifiedAudit(id);
    expect(entries.slice(-2).map((e) => [e.action, e.actor.sub, e.detail])).toEqual([
      [
        'workflow.escalated',
        'system:workflow',
        { submissionSeq: 1, reason: 'LEVEL_OVERDUE', pendingAt: 'JX0102' },
      ],
      ['workflow.fault', 'system:workflow', { submissionSeq: 1, error: 'States.Timeout' }],
    ]);
  });

  it('writes no escalation or fault the application no longer waits for, and says so', async () => {
    const id = await w.submitted();
    const before = await w.repo.get(id);
    // Another submission's execution, or one of an application no longer in flight.
    expect(
      await escalateOverdue(w.deps, { applicationId: id, submissionSeq: 2, reason: 'LEVEL_OVERDUE' }),
    ).toEqual({ escalated: false });
    expect(
      await recordWorkflowFault(w.deps, { applicationId: id, submissionSeq: 2, error: { Error: 'X' } }),
    ).toEqual({ recorded: false });
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'reject', comment: '驳回' });
    const rejected = await w.repo.get(id);
    expect(
      await escalateOverdue(w.deps, { applicationId: id, submissionSeq: 1, reason: 'LEVEL_OVERDUE' }),
    ).toEqual({ escalated: false });
    expect(await w.repo.get(id)).toEqual(rejected);
    expect(rejected?.escalations ?? 0).toBe(before?.escalations ?? 0);
    expect((await w.verifiedAudit(id)).map((e) => e.action)).not.toContain('workflow.escalated');
    // The fault of the current submission's execution is noted whatever the status.
    expect(
      await recordWorkflowFault(w.deps, { applicationId: id, submissionSeq: 1, error: { Error: 'X' } }),
    ).toEqual({ recorded: true });
  });
});

describe('the whole route', () => {
  it('needs every level’s approver, in order', async () => {
    const id = await w.submitted();
    for (const [i, approver] of ROUTE_APPROVERS.entries()) {
      for (const other of ROUTE_APPROVERS.filter((a) => a !== approver && ROUTE_APPROVERS.indexOf(a) > i))
        expect((await refusal(decideApplication(w.deps, other, id, approve))).code).toBe(
          'NOT_PENDING_AT_YOUR_COURT',
        );
      await decideApplication(w.deps, approver, id, approve);
    }
    expect((await w.repo.get(id))?.status).toBe('awaiting_payout');
  });
});
