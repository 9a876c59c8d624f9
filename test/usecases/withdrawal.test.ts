import { beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { withdrawApplication } from '../../functions/usecases/withdrawal.ts';
import { FORM, idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const reason = { reason: '误选救助活动，撤回后重新申请。' };

describe('withdrawApplication (撤回申请)', () => {
  it('withdraws a draft with its reason and trail, and frees the case and person to apply again', async () => {
    const facts = w.facts();
    const id = await w.create(facts);
    const withdrawn = await withdrawApplication(w.deps, people.clerk, id, reason);
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      version: 2,
      pendingAt: null,
      withdrawal: { reason: reason.reason, withdrawnBy: people.clerk.sub },
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'application.withdrawn',
      fromStatus: 'draft',
      toStatus: 'withdrawn',
      detail: reason,
    });
    expect(await w.create(facts)).not.toBe(id);
  });

  it('withdraws a returned application and stops counting it as returned', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    expect((await w.counters()).returned).toBe(1);
    await withdrawApplication(w.deps, people.clerk, id, reason);
    expect((await w.counters()).returned).toBe(0);
  });

  it('refuses to withdraw once submitted, or twice (409 INVALID_STATUS)', async () => {
    const pending = await w.submitted();
    await refusedWithoutChange(w, () => withdrawApplication(w.deps, people.clerk, pending, reason), {
      code: 'INVALID_STATUS',
      status: 409,
    });
    const draft = await w.create();
    await withdrawApplication(w.deps, people.clerk, draft, reason);
    await refusedWithoutChange(w, () => withdrawApplication(w.deps, people.clerk, draft, reason), {
      code: 'INVALID_STATUS',
      status: 409,
    });
  });

  it('refuses anyone but a clerk of the executing court (403 ROLE_FORBIDDEN; 404 outside the jurisdiction)', async () => {
    const id = await w.create();
    await refusedWithoutChange(w, () => withdrawApplication(w.deps, people.basicApprover, id, reason), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await refusedWithoutChange(w, () => withdrawApplication(w.deps, people.foreignClerk, id, reason), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('refuses the withdrawal when a submission got in between the read and the write, and keeps the submission', async () => {
    const id = await w.ready();
    w.repo.faults.interleave(async () => {
      await submitApplication(w.deps, people.otherClerk, id, FORM);
    });
    expect((await refusal(withdrawApplication(w.deps, people.clerk, id, reason))).code).toBe(
      'INVALID_STATUS',
    );
    const app = await w.repo.get(id);
    expect(app?.status).toBe('pending_approval');
    expect(w.state.duplicateLocks.get(app?.duplicateKey as string)).toBe(id);
  });

  it('records the key with the withdrawal; a concurrent request with the same key is answered with the first response', async () => {
    const id = await w.create();
    const write = idempotencyFor(people.clerk, 'withdrawApplication', { id }, 'w-1', reason);
    w.repo.faults.interleave(async () => {
      await withdrawApplication(w.deps, people.clerk, id, reason, write);
    });
    const replay = await refusal(withdrawApplication(w.deps, people.clerk, id, reason, write));
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect((replay as IdempotencyReplay).record.response.body).toMatchObject({ status: 'withdrawn' });
    expect((await w.repo.listAudit(id)).filter((e) => e.action === 'application.withdrawn')).toHaveLength(1);
  });
});
