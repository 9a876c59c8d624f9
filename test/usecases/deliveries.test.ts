import { describe, expect, it } from 'vitest';
import type { ApplicationRecord, OutboxItem } from '../../functions/ports/applications.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { deliverDecision } from '../../functions/usecases/deliver-decision.ts';
import { deliverPayout } from '../../functions/usecases/deliver-payout.ts';
import { recordTaskToken } from '../../functions/usecases/record-task-token.ts';
import { people, world } from './world.ts';

/**
 * The workflow deliveries (the outbox's deliver-decision and deliver-payout items): what each sends to
 * the waiting task, when it completes its item, and when it settles an item as obsolete unsent.
 */

type DecisionItem = Extract<OutboxItem, { kind: 'deliver-decision' }>;
type PayoutItem = Extract<OutboxItem, { kind: 'deliver-payout' }>;
const approve = { decision: 'approve' as const, comment: '同意' };

async function outboxOf(w: Awaited<ReturnType<typeof world>>) {
  return (await w.repo.listOutbox(100)).map((o) => o.kind);
}

/** A submission decided at level 0 (the token of the level recorded first unless `token` is false). */
async function decided(options: { token?: boolean } = {}) {
  const w = await world();
  const id = await w.submitted();
  if (options.token !== false)
    await recordTaskToken(w.deps, { applicationId: id, submissionSeq: 1, level: 0, taskToken: 't0' });
  await decideApplication(w.deps, people.basicApprover, id, approve);
  const item = (await w.repo.listOutbox(10)).find((o) => o.kind === 'deliver-decision') as DecisionItem;
  expect(item).toMatchObject({ applicationId: id, submissionSeq: 1, level: 0 });
  const record = () => w.state.applications.get(id) as ApplicationRecord;
  return { w, id, item, record };
}

describe('deliverDecision', () => {
  it('sends the recorded decision to the level’s token and completes the item', async () => {
    const { w, item } = await decided();
    expect(await deliverDecision(w.deps, item)).toBe('sent');
    expect(w.workflow.sent).toEqual([
      { token: 't0', output: { outcome: 'next-level', decidedLevel: 0, nextLevel: 1, court: 'JX0102' } },
    ]);
    expect(await outboxOf(w)).toEqual([]);
    // Safe to repeat: the item is settled, the token answered once.
    expect(await deliverDecision(w.deps, item)).toBe('gone');
    expect(w.workflow.sent).toHaveLength(1);
  });

  it('waits (item kept, nothing sent) until the token of that submission and level is known', async () => {
    const { w, item, record } = await decided({ token: false });
    expect(await deliverDecision(w.deps, item)).toBe('waiting-for-token');
    record().taskToken = { submissionSeq: 1, level: 1, token: 'other-level' };
    expect(await deliverDecision(w.deps, item)).toBe('waiting-for-token');
    record().taskToken = { submissionSeq: 2, level: 0, token: 'other-submission' };
    expect(await deliverDecision(w.deps, item)).toBe('waiting-for-token');
    expect(w.workflow.sent).toEqual([]);
    expect(await outboxOf(w)).toEqual(['deliver-decision']);
  });

  it('keeps an item whose token is gone unless onGone confirms the workflow carried on', async () => {
    const { w, id, item } = await decided();
    w.workflow.expire('t0');
    expect(await deliverDecision(w.deps, item)).toBe('gone');
    expect(await outboxOf(w)).toEqual(['deliver-decision']);
    const asked: string[] = [];
    expect(
      await deliverDecision(w.deps, item, async (app) => {
        asked.push(app.id);
        return false;
      }),
    ).toBe('gone');
    expect(await outboxOf(w)).toEqual(['deliver-decision']);
    expect(await deliverDecision(w.deps, item, async () => true)).toBe('gone');
    expect(asked).toEqual([id]);
    expect(await outboxOf(w)).toEqual([]);
    expect(w.workflow.sent).toEqual([]);
  });

  it('settles as obsolete, unsent, an item of an application gone, a decision not recorded or a newer submission', async () => {
    const gone = await decided();
    expect(await deliverDecision(gone.w.deps, { ...gone.item, applicationId: 'M-nope' })).toBe('obsolete');

    const undecided = await decided();
    expect(await deliverDecision(undecided.w.deps, { ...undecided.item, level: 2 })).toBe('obsolete');

    const superseded = await decided();
    const submission = superseded.record().submission;
    if (submission) submission.seq = 2;
    expect(await deliverDecision(superseded.w.deps, superseded.item)).toBe('obsolete');
    expect(await outboxOf(superseded.w)).toEqual([]);

    for (const { w } of [gone, undecided, superseded]) expect(w.workflow.sent).toEqual([]);
  });

  it('settles as obsolete a decision a re-driven execution started past', async () => {
    const { w, item, record } = await decided();
    const submission = record().submission;
    if (submission) submission.redrive = { level: 1 } as never;
    expect(await deliverDecision(w.deps, item)).toBe('obsolete');
    expect(w.workflow.sent).toEqual([]);
    expect(await outboxOf(w)).toEqual([]);
    // A re-drive at the decision's own level still needs it.
    const again = await decided();
    const s = again.record().submission;
    if (s) s.redrive = { level: 0 } as never;
    expect(await deliverDecision(again.w.deps, again.item)).toBe('sent');
  });

  it('uses the application as the caller just wrote it, without reading it again', async () => {
    const { w, item, record } = await decided({ token: false });
    const written = structuredClone({
      ...record(),
      taskToken: { submissionSeq: 1, level: 0, token: 'fresh' },
    });
    expect(await deliverDecision(w.deps, item, undefined, written)).toBe('sent');
    expect(w.workflow.sent.map((s) => s.token)).toEqual(['fresh']);
  });

  it('lets a failed send through with the item kept for the reconciler', async () => {
    const { w, item } = await decided();
    w.workflow.failSends = 1;
    await expect(deliverDecision(w.deps, item)).rejects.toThrow('connection reset');
    expect(await outboxOf(w)).toEqual(['deliver-decision']);
  });
});

describe('deliverPayout', () => {
  async function paid() {
    const w = await world();
    const id = await w.paid();
    const item = (await w.repo.listOutbox(10)).find((o) => o.kind === 'deliver-payout') as
      | PayoutItem
      | undefined;
    return { w, id, item };
  }
  const itemFor = (id: string, over: Partial<PayoutItem> = {}): PayoutItem => ({
    kind: 'deliver-payout',
    applicationId: id,
    submissionSeq: 1,
    outcome: 'paid',
    createdAt: '2026-03-10T02:00:00.000Z',
    ...over,
  });

  it('tells the payout task how the payout ended and completes the item', async () => {
    const { w, id, item } = await paid();
    expect(item).toMatchObject({ applicationId: id, submissionSeq: 1, outcome: 'paid' });
    expect(await deliverPayout(w.deps, item as PayoutItem)).toBe('sent');
    expect(w.workflow.sent).toEqual([{ token: `pay-${id}`, output: { outcome: 'paid' } }]);
    expect(await outboxOf(w)).not.toContain('deliver-payout');
    // Safe to repeat: the token answers once, the item stays settled.
    expect(await deliverPayout(w.deps, item as PayoutItem)).toBe('gone');
    expect(w.workflow.sent).toHaveLength(1);

    const declined = await w.dispatched();
    expect(await deliverPayout(w.deps, itemFor(declined, { outcome: 'declined' }))).toBe('sent');
    expect(w.workflow.outputFor(`pay-${declined}`)).toEqual({ outcome: 'declined' });
  });

  it('settles as obsolete, unsent, an application gone, one without a payout token, or a newer submission', async () => {
    const w = await world();
    const dispatched = await w.dispatched();
    const approvedOnly = await w.approved();
    expect(await deliverPayout(w.deps, itemFor('M-nope'))).toBe('obsolete');
    expect(await deliverPayout(w.deps, itemFor(approvedOnly))).toBe('obsolete');
    expect(await deliverPayout(w.deps, itemFor(dispatched, { submissionSeq: 2 }))).toBe('obsolete');
    expect(w.workflow.sent.filter((s) => s.token.startsWith('pay-'))).toEqual([]);
  });

  it('uses the application as the caller just wrote it', async () => {
    const w = await world();
    const id = await w.approved();
    const written = structuredClone(w.state.applications.get(id) as ApplicationRecord);
    written.payout = { ...(written.payout ?? {}), taskToken: 'pay-written' } as ApplicationRecord['payout'];
    expect(await deliverPayout(w.deps, itemFor(id), written)).toBe('sent');
    expect(w.workflow.outputFor('pay-written')).toEqual({ outcome: 'paid' });
  });
});
