import { describe, expect, it } from 'vitest';
import type { ApplicationRecord } from '../../../functions/domain/application.ts';
import * as lifecycle from '../../../functions/domain/lifecycle.ts';
import { startMonitoring } from '../../../functions/domain/post-closure.ts';
import { validFacts } from './fixtures.ts';

/**
 * The application lifecycle as pure transitions (functions/domain/lifecycle.ts): what each one
 * writes, what moves with it, and every refusal (nothing changes: the input record is left as it was).
 */
const NOW = new Date('2026-03-10T02:00:00.000Z');
const clerk = { sub: 'clerk-1', court: 'BJ0105', roles: ['clerk'] };
const approvers = [
  { sub: 'approver-1', court: 'BJ0105', roles: ['approver'] },
  { sub: 'approver-2', court: 'BJ01', roles: ['approver'] },
  { sub: 'approver-3', court: 'BJ', roles: ['approver'] },
];
const insurer = { sub: 'system:insurer', court: 'BJ0105', roles: [] };
const FORM = { reviewOpinion: '材料齐全', reviewedBy: '李审查' };
const ELIGIBLE = { eligible: true, failures: [] };

function draft(): ApplicationRecord {
  const facts = validFacts({
    case: { measures: [{ kind: 'consumption-restriction', reference: 'M-1' }] },
  } as never);
  return lifecycle.create(
    {
      ...facts,
      id: 'app1',
      campaignId: 'c1',
      courtCode: 'BJ0105',
      highCourtCode: 'BJ',
      route: ['BJ0105', 'BJ01', 'BJ'],
      ancestors: ['BJ01', 'BJ'],
      eligibility: ELIGIBLE,
      duplicateKey: 'case#person',
    },
    clerk,
    NOW,
  ).next;
}

const submitted = (app = draft()) =>
  lifecycle.submit(
    app,
    { actor: clerk, approvalForm: FORM, eligibility: ELIGIBLE, routing: undefined, documents: [] },
    NOW,
  ).next;

const decided = (app: ApplicationRecord, level: number, decision: 'approve' | 'reject' | 'return') =>
  lifecycle.decide(
    app,
    {
      actor: approvers[level] as (typeof approvers)[number],
      decision,
      comment: 'c',
      documents: [],
      toReplace: [],
    },
    NOW,
  );

function awaitingPayout(): ApplicationRecord {
  let app = submitted();
  for (const level of [0, 1, 2]) app = decided(app, level, 'approve').next;
  return lifecycle.dispatch(
    app,
    { actor: insurer, packageId: 'app1-s1', taskToken: 'tok', documents: [] },
    NOW,
  ).next;
}

const event = (type: 'payout.succeeded' | 'payout.declined') => ({
  id: 'e1',
  type,
  packageId: 'app1-s1',
  amountFen: 300000,
  paidAt: '2026-03-11T00:00:00.000Z',
  transactionRef: 'T1',
});

function paid(): ApplicationRecord {
  const app = awaitingPayout();
  return lifecycle.settlePayout(
    { ...app, reliefAmountFen: 300000 },
    { actor: insurer, event: event('payout.succeeded') },
    NOW,
  ).next;
}

const monitoring = startMonitoring('2026-03-12', { intervalMonths: 6, years: 5 });
const closed = () =>
  lifecycle.close(paid(), { actor: clerk, rulingNumber: 'R1', issuedAt: '2026-03-12', monitoring }, NOW).next;
const resumed = (amountFen = 100000) =>
  lifecycle.resume(
    closed(),
    { actor: clerk, resumption: { reason: 'assets-found', basis: 'b', amountFen } },
    NOW,
  ).next;

/** Expects a refusal with `code` (and kind), and that the record given is unchanged. */
function refused(
  app: ApplicationRecord,
  run: (a: ApplicationRecord) => unknown,
  code: string,
  kind?: string,
) {
  const before = structuredClone(app);
  let error: unknown;
  try {
    run(app);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(lifecycle.LifecycleRefusal);
  expect((error as lifecycle.LifecycleRefusal).code).toBe(code);
  if (kind) expect((error as lifecycle.LifecycleRefusal).kind).toBe(kind);
  expect(app).toEqual(before);
}

const withStatus = (status: ApplicationRecord['status']) => ({ ...draft(), status });

describe('lifecycle: create, edit, withdraw', () => {
  it('creates a draft at version 1 with its audit entry and no effects', () => {
    const t = lifecycle.create({ ...draft() }, clerk, NOW);
    expect(t.next).toMatchObject({ status: 'draft', version: 1, createdBy: 'clerk-1', pendingAt: null });
    expect(t.audit).toMatchObject({ action: 'application.created', fromStatus: null, toStatus: 'draft' });
    expect(t.effects).toEqual({});
  });

  it('edits a draft or a returned application back to draft; a returned one stops counting as returned', () => {
    const input = {
      actor: clerk,
      facts: validFacts(),
      eligibility: ELIGIBLE,
      duplicateKey: 'k',
      fields: ['x'],
    };
    const fromDraft = lifecycle.edit(draft(), input, NOW);
    expect(fromDraft.next).toMatchObject({ status: 'draft', version: 2 });
    expect(fromDraft.effects).toEqual({});
    const fromReturned = lifecycle.edit(withStatus('returned'), input, NOW);
    expect(fromReturned.effects).toEqual({ report: { add: { returned: -1 } } });
    for (const s of ['pending_approval', 'awaiting_payout', 'paid', 'withdrawn'] as const)
      refused(withStatus(s), (a) => lifecycle.edit(a, input, NOW), 'INVALID_STATUS', 'conflict');
  });

  it('withdraws a draft or returned application, releasing the duplicate lock; nothing else', () => {
    const t = lifecycle.withdraw(draft(), { actor: clerk, reason: 'wrong campaign' }, NOW);
    expect(t.next).toMatchObject({ status: 'withdrawn', version: 2, pendingAt: null });
    expect(t.next.withdrawal).toEqual({
      reason: 'wrong campaign',
      withdrawnAt: NOW.toISOString(),
      withdrawnBy: 'clerk-1',
    });
    expect(t.effects).toEqual({ releaseDuplicateLock: true });
    expect(lifecycle.withdraw(withStatus('returned'), { actor: clerk, reason: 'r' }, NOW).effects).toEqual({
      releaseDuplicateLock: true,
      report: { add: { returned: -1 } },
    });
    for (const s of ['pending_approval', 'rejected', 'closed'] as const)
      refused(
        withStatus(s),
        (a) => lifecycle.withdraw(a, { actor: clerk, reason: 'r' }, NOW),
        'INVALID_STATUS',
      );
  });
});

describe('lifecycle: submit and decide', () => {
  it('submits to the first level with a start-execution outbox item; refuses outside draft/returned', () => {
    const t = lifecycle.submit(
      draft(),
      { actor: clerk, approvalForm: FORM, eligibility: ELIGIBLE, routing: undefined, documents: [] },
      NOW,
    );
    expect(t.next).toMatchObject({ status: 'pending_approval', level: 0, pendingAt: 'BJ0105', version: 2 });
    expect(t.next.submission).toMatchObject({ seq: 1, executionName: 'app1-s1', submittedBy: 'clerk-1' });
    expect(t.effects.outbox).toEqual([
      { kind: 'start-execution', applicationId: 'app1', submissionSeq: 1, createdAt: NOW.toISOString() },
    ]);
    expect(t.effects.report).toEqual({ add: { pending: 1 } });
    const again = lifecycle.submit(
      { ...t.next, status: 'returned' },
      { actor: clerk, approvalForm: FORM, eligibility: ELIGIBLE, routing: undefined, documents: [] },
      NOW,
    );
    expect(again.next.submission?.seq).toBe(2);
    expect(again.effects.report).toEqual({ add: { pending: 1, returned: -1 } });
    for (const s of ['pending_approval', 'awaiting_payout', 'rejected', 'withdrawn'] as const)
      refused(withStatus(s), (a) => lifecycle.submit.guard(a), 'INVALID_STATUS');
  });

  it('walks the route: next level, then the high court approves and reserves the quota', () => {
    const first = decided(submitted(), 0, 'approve');
    expect(first.next).toMatchObject({ status: 'pending_approval', level: 1, pendingAt: 'BJ01' });
    expect(first.effects.quota).toBeUndefined();
    const last = decided(decided(first.next, 1, 'approve').next, 2, 'approve');
    expect(last.next).toMatchObject({ status: 'awaiting_payout', pendingAt: null });
    expect(last.next.quotaReservation).toMatchObject({ state: 'reserved', highCourtCode: 'BJ' });
    expect(last.effects.quota).toMatchObject({ op: 'reserve', highCourtCode: 'BJ', campaignId: 'c1' });
    expect(last.effects.report?.add).toMatchObject({ approved: 1 });
    expect(last.entry).toMatchObject({ level: 2, outcome: 'approved', court: 'BJ' });
  });

  it('a rejection releases the duplicate lock; a return counts as returned', () => {
    const rejected = decided(submitted(), 0, 'reject');
    expect(rejected.next.status).toBe('rejected');
    expect(rejected.effects).toMatchObject({
      releaseDuplicateLock: true,
      report: { add: { pending: -1, rejected: 1 } },
    });
    const returned = decided(submitted(), 0, 'return');
    expect(returned.next.status).toBe('returned');
    expect(returned.effects).toMatchObject({
      releaseDuplicateLock: false,
      report: { add: { pending: -1, returned: 1 } },
    });
  });

  it('refuses a decision: no submission, decided already, another court, the submitter', () => {
    const input = { decision: 'approve' as const, comment: '', documents: [], toReplace: [] };
    refused(
      draft(),
      (a) => lifecycle.decide(a, { ...input, actor: approvers[0] as never }, NOW),
      'INVALID_STATUS',
    );
    const moved = decided(submitted(), 0, 'approve').next;
    refused(
      moved,
      (a) => lifecycle.decide(a, { ...input, actor: approvers[0] as never }, NOW),
      'DECISION_ALREADY_RECORDED',
    );
    refused(
      decided(submitted(), 0, 'reject').next,
      (a) => lifecycle.decide(a, { ...input, actor: approvers[0] as never }, NOW),
      'DECISION_ALREADY_RECORDED',
    );
    refused(
      submitted(),
      (a) => lifecycle.decide(a, { ...input, actor: approvers[1] as never }, NOW),
      'NOT_PENDING_AT_YOUR_COURT',
      'forbidden',
    );
    const self = { sub: 'clerk-1', court: 'BJ0105', roles: ['clerk', 'approver'] };
    refused(
      submitted(),
      (a) => lifecycle.decide(a, { ...input, actor: self }, NOW),
      'SUBMITTER_CANNOT_DECIDE',
      'forbidden',
    );
  });
});

describe('lifecycle: disbursement', () => {
  it('dispatch counts attempts and lifts a hold without moving the version; refused unless awaiting payout', () => {
    const app = awaitingPayout();
    const t = lifecycle.dispatch(
      { ...app, integrityHold: { code: 'EVIDENCE_MISMATCH', packageId: 'p', at: 'x', documents: [] } },
      { actor: insurer, packageId: 'app1-s1', taskToken: 't2', documents: [] },
      NOW,
    );
    expect(t.next.payout).toMatchObject({ attempts: 2, taskToken: 't2' });
    expect(t.next.integrityHold).toBeNull();
    expect(t.next.version).toBe(app.version);
    refused(paid(), (a) => lifecycle.dispatch.guard(a), 'INVALID_STATUS');
    refused(
      paid(),
      (a) => lifecycle.withhold(a, { actor: insurer, packageId: 'p', documents: [] }, NOW),
      'INVALID_STATUS',
    );
  });

  it('paid commits the reservation; declined releases it and the duplicate lock', () => {
    const app = { ...awaitingPayout(), reliefAmountFen: 300000 };
    const ok = lifecycle.settlePayout(app, { actor: insurer, event: event('payout.succeeded') }, NOW);
    expect(ok.next).toMatchObject({ status: 'paid', version: app.version + 1 });
    expect(ok.next.quotaReservation?.state).toBe('committed');
    expect(ok.effects).toMatchObject({ quota: { op: 'commit' }, releaseDuplicateLock: false });
    expect(ok.effects.report?.paid).toBe(true);
    const no = lifecycle.settlePayout(app, { actor: insurer, event: event('payout.declined') }, NOW);
    expect(no.next.status).toBe('declined');
    expect(no.effects).toMatchObject({ quota: { op: 'release' }, releaseDuplicateLock: true });
    expect(no.effects.outbox?.[0]).toMatchObject({ kind: 'deliver-payout', outcome: 'declined' });
    refused(
      ok.next,
      (a) => lifecycle.settlePayout(a, { actor: insurer, event: event('payout.succeeded') }, NOW),
      'PACKAGE_NOT_AWAITING_PAYOUT',
    );
    refused(
      app,
      (a) =>
        lifecycle.settlePayout(
          a,
          { actor: insurer, event: { ...event('payout.succeeded'), packageId: 'other' } },
          NOW,
        ),
      'PACKAGE_NOT_AWAITING_PAYOUT',
    );
  });
});

describe('lifecycle: after payout', () => {
  it('closes a paid application only, not with a ruling before the payout', () => {
    expect(closed()).toMatchObject({ status: 'closed', resumptionDue: false });
    refused(
      awaitingPayout(),
      (a) => lifecycle.close(a, { actor: clerk, rulingNumber: 'R', issuedAt: '2026-03-12', monitoring }, NOW),
      'INVALID_STATUS',
    );
    refused(
      paid(),
      (a) => lifecycle.close(a, { actor: clerk, rulingNumber: 'R', issuedAt: '2026-03-10', monitoring }, NOW),
      'RULING_BEFORE_PAYOUT',
      'unprocessable',
    );
  });

  it('resumes a closed case up to the relief paid', () => {
    const r = lifecycle.resume(
      closed(),
      { actor: clerk, resumption: { reason: 'evasion', basis: 'b', amountFen: 300000 } },
      NOW,
    );
    expect(r.next).toMatchObject({ status: 'resumed', recoveredFen: 0 });
    expect(r.effects).toEqual({ report: { add: { resumed: 1 } } });
    const over = { actor: clerk, resumption: { reason: 'evasion' as const, basis: 'b', amountFen: 300001 } };
    refused(closed(), (a) => lifecycle.resume(a, over, NOW), 'AMOUNT_OVER_RELIEF', 'unprocessable');
    refused(
      paid(),
      (a) => lifecycle.resume(a, { ...over, resumption: { ...over.resumption, amountFen: 1 } }, NOW),
      'INVALID_STATUS',
    );
  });

  it('records recoveries on a resumed case, into the fund, never above the relief in total', () => {
    const input = { actor: clerk, amountFen: 200000, receivedAt: '2026-04-01', reference: 'F1' };
    const t = lifecycle.recordRecovery(resumed(), input, NOW);
    expect(t.next.recoveredFen).toBe(200000);
    expect(t.effects.fundCredit).toEqual({
      campaignId: 'c1',
      amountFen: 200000,
      reference: 'F1',
      receivedAt: '2026-04-01',
    });
    refused(t.next, (a) => lifecycle.recordRecovery(a, input, NOW), 'RECOVERY_OVER_RELIEF');
    refused(closed(), (a) => lifecycle.recordRecovery(a, input, NOW), 'INVALID_STATUS');
  });

  it('lifts a measure only after resumption and recovery of the resumed amount', () => {
    const input = { actor: clerk, reference: 'M-1', basis: 'paid in full' };
    refused(paid(), (a) => lifecycle.liftMeasure(a, input, NOW), 'INVALID_STATUS');
    refused(closed(), (a) => lifecycle.liftMeasure(a, input, NOW), 'RESTRICTIONS_MUST_REMAIN');
    refused(
      closed(),
      (a) => lifecycle.liftMeasure(a, { ...input, reference: 'nope' }, NOW),
      'UNKNOWN_MEASURE',
    );
    const recovered = lifecycle.recordRecovery(
      resumed(100000),
      { actor: clerk, amountFen: 100000, receivedAt: '2026-04-01', reference: 'F' },
      NOW,
    ).next;
    const lifted = lifecycle.liftMeasure(recovered, input, NOW);
    expect(lifted.next.liftedMeasures?.map((m) => m.reference)).toEqual(['M-1']);
    refused(lifted.next, (a) => lifecycle.liftMeasure(a, input, NOW), 'MEASURE_ALREADY_LIFTED');
  });

  it('asset checks, their refusals, and dismissing a resumption they prompted', () => {
    const check = {
      checkedOn: '2026-04-01',
      checkedAt: '2026-04-01T02:00:00.000Z',
      method: 'network-inquiry' as const,
      result: 'assets-found' as const,
      detail: 'd',
      recordedAt: NOW.toISOString(),
      recordedBy: 'clerk-1',
    };
    const t = lifecycle.recordAssetCheck(closed(), { actor: clerk, check, today: '2026-04-02' }, NOW);
    expect(t.next.resumptionDue).toBe(true);
    refused(
      t.next,
      (a) => lifecycle.recordAssetCheck(a, { actor: clerk, check, today: '2026-04-02' }, NOW),
      'DUPLICATE_ASSET_CHECK',
    );
    refused(
      closed(),
      (a) => lifecycle.recordAssetCheck(a, { actor: clerk, check, today: '2026-03-31' }, NOW),
      'CHECK_IN_FUTURE',
    );
    refused(
      closed(),
      (a) => lifecycle.recordAssetCheck.guard(a, { checkedOn: '2026-03-01', method: 'x' }, '2026-04-02'),
      'CHECK_BEFORE_CLOSURE',
    );
    refused(paid(), (a) => lifecycle.recordAssetCheck.guard(a, check, '2026-04-02'), 'NOT_RELIEF_CLOSED');
    const dismissed = lifecycle.dismissResumption(t.next, { actor: clerk, reason: 'r' }, NOW);
    expect(dismissed.next.resumptionDue).toBe(false);
    refused(
      dismissed.next,
      (a) => lifecycle.dismissResumption(a, { actor: clerk, reason: 'r' }, NOW),
      'RESUMPTION_NOT_DUE',
    );
  });

  it('escalates an overdue check once; refuses when none is overdue', () => {
    const actor = { sub: 'system:monitoring', court: 'BJ0105', roles: [] };
    const input = { actor, today: '2026-12-01', courtName: () => null };
    const t = lifecycle.escalateOverdueCheck(closed(), input, NOW);
    expect(t.due).toBe(monitoring.nextDue);
    refused(t.next, (a) => lifecycle.escalateOverdueCheck(a, input, NOW), 'NOT_OVERDUE');
    refused(
      closed(),
      (a) => lifecycle.escalateOverdueCheck(a, { ...input, today: '2026-04-01' }, NOW),
      'NOT_OVERDUE',
    );
  });

  it('moves the version by one with every status change', () => {
    const chain = [draft(), submitted(), paid(), closed(), resumed()];
    for (const app of chain) expect(app.version).toBeGreaterThanOrEqual(1);
    expect(resumed().version - draft().version).toBe(7);
  });
});

describe('lifecycle: the approval workflow’s own notes', () => {
  const token = { submissionSeq: 1, level: 0, token: 't0', executionName: 'app1-s1' };

  it('records the token of the level the application waits at: the version moves, no audit entry, no effect', () => {
    const app = submitted();
    const t = lifecycle.recordTaskToken(app, token);
    expect(t.next.taskToken).toEqual({ submissionSeq: 1, level: 0, token: 't0' });
    expect(t.next.version).toBe(app.version + 1);
    expect(t.next.auditSeq).toBe(app.auditSeq);
    expect(t.audit).toBeNull();
    expect(t.effects).toEqual({});
    // Without an execution name (an older execution's payload) the submission and level decide.
    expect(lifecycle.recordTaskToken(app, { ...token, executionName: undefined }).next.taskToken?.token).toBe(
      't0',
    );
  });

  it('answers a late token with the decision its level already took, writing nothing', () => {
    const approved = decided(submitted(), 0, 'approve').next;
    const t = lifecycle.recordTaskToken(approved, { ...token, token: 'late' });
    expect(t.next).toBe(approved);
    expect(t.effects.answer).toMatchObject({
      token: 'late',
      decision: { submissionSeq: 1, level: 0, outcome: 'next-level' },
      outbox: { kind: 'deliver-decision', applicationId: 'app1', submissionSeq: 1, level: 0 },
    });
    expect(t.effects.answer?.outbox.createdAt).toBe(t.effects.answer?.decision.decidedAt);
  });

  it('refuses a stale token: another execution, another submission (SUPERSEDED)', () => {
    refused(
      submitted(),
      (a) => lifecycle.recordTaskToken(a, { ...token, executionName: 'app1-s1-r1' }),
      'SUPERSEDED',
    );
    refused(submitted(), (a) => lifecycle.recordTaskToken(a, { ...token, submissionSeq: 7 }), 'SUPERSEDED');
    refused(draft(), (a) => lifecycle.recordTaskToken(a, token), 'SUPERSEDED');
  });

  it('refuses a token for a level the application no longer waits at (INVALID_STATUS)', () => {
    refused(
      submitted(),
      (a) => lifecycle.recordTaskToken(a, { ...token, level: 1 }),
      'INVALID_STATUS',
      'conflict',
    );
    refused(
      { ...submitted(), status: 'withdrawn' },
      (a) => lifecycle.recordTaskToken(a, token),
      'INVALID_STATUS',
    );
  });

  it('escalates an in-flight application at the court it waits at; the version stays', () => {
    for (const app of [submitted(), awaitingPayout()]) {
      const t = lifecycle.escalate(app, { submissionSeq: 1, reason: 'LEVEL_OVERDUE' });
      expect(t.next).toEqual({ ...app, escalations: 1 });
      expect(t.audit).toEqual({
        actor: { sub: 'system:workflow', court: app.pendingAt ?? app.courtCode, roles: [] },
        action: 'workflow.escalated',
        fromStatus: app.status,
        toStatus: app.status,
        detail: { submissionSeq: 1, reason: 'LEVEL_OVERDUE', pendingAt: app.pendingAt },
      });
      expect(t.effects).toEqual({});
      expect(lifecycle.escalate(t.next, { submissionSeq: 1, reason: 'x' }).next.escalations).toBe(2);
    }
    expect(lifecycle.escalate(submitted(), { submissionSeq: 1, reason: 'r' }).audit.actor.court).toBe(
      'BJ0105',
    );
  });

  it('refuses an escalation of a stale submission (SUPERSEDED) or of nothing in flight (INVALID_STATUS)', () => {
    refused(submitted(), (a) => lifecycle.escalate(a, { submissionSeq: 2, reason: 'r' }), 'SUPERSEDED');
    refused(paid(), (a) => lifecycle.escalate(a, { submissionSeq: 1, reason: 'r' }), 'INVALID_STATUS');
    refused(
      decided(submitted(), 0, 'reject').next,
      (a) => lifecycle.escalate(a, { submissionSeq: 1, reason: 'r' }),
      'INVALID_STATUS',
    );
  });

  it('notes a workflow fault (the error name, at most 200 characters) and changes nothing else', () => {
    const app = decided(submitted(), 0, 'reject').next;
    const t = lifecycle.recordWorkflowFault(app, {
      submissionSeq: 1,
      error: { Error: 'States.Timeout', Cause: 'x' },
    });
    expect(t.next).toBe(app);
    expect(t.audit).toEqual({
      actor: { sub: 'system:workflow', court: 'BJ0105', roles: [] },
      action: 'workflow.fault',
      fromStatus: 'rejected',
      toStatus: 'rejected',
      detail: { submissionSeq: 1, error: 'States.Timeout' },
    });
    expect(t.effects).toEqual({});
    const long = lifecycle.recordWorkflowFault(app, { submissionSeq: 1, error: { Error: 'E'.repeat(300) } });
    expect(long.audit.detail.error).toHaveLength(200);
    expect(lifecycle.recordWorkflowFault(app, { submissionSeq: 1, error: null }).audit.detail.error).toBe(
      'Unknown',
    );
  });

  it('refuses a fault of another submission’s execution (SUPERSEDED)', () => {
    refused(
      submitted(),
      (a) => lifecycle.recordWorkflowFault(a, { submissionSeq: 2, error: {} }),
      'SUPERSEDED',
    );
  });
});
