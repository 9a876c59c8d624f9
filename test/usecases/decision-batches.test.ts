import { beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationRepository } from '../../functions/ports/applications.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import {
  BATCH_CONCURRENCY,
  type BatchResult,
  decideBatch,
} from '../../functions/usecases/decision-batches.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { FORM, idempotencyFor, people, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const approve = { decision: 'approve' as const, comment: '同意' };

/** Submitted and approved at the basic and intermediate levels: waiting at the high court JX. */
async function atHighCourt(reliefAmountFen = 3_000_000) {
  const id = await w.submitted(w.facts({ reliefAmountFen }));
  await decideApplication(w.deps, people.basicApprover, id, approve);
  await decideApplication(w.deps, people.midApprover, id, approve);
  return id;
}

const item = (
  applicationId: string,
  decision: 'approve' | 'reject' | 'return' = 'approve',
  comment = '同意',
) => ({
  applicationId,
  decision,
  comment,
});

describe('decideBatch (批量审批)', () => {
  it('decides each item as a single decision would, level by level', async () => {
    const a = await w.submitted();
    const b = await w.submitted();
    const out = await decideBatch(w.deps, people.basicApprover, [item(a), item(b, 'reject', '不符合条件')]);
    expect(out.results).toEqual([
      { applicationId: a, status: 'pending_approval', pendingAt: 'JX01' },
      { applicationId: b, status: 'rejected', pendingAt: null },
    ]);
    const actions = (await w.repo.listAudit(a)).map((e) => e.action);
    expect(actions.filter((x) => x === 'decision.approve')).toHaveLength(1);
    expect((await w.repo.get(b))?.status).toBe('rejected');
  });

  it('refuses exactly the items the quota no longer covers when it runs out mid-batch, in the given order (one at a time)', async () => {
    w = await world({ quotaFen: 7_000_000 });
    const ids = [await atHighCourt(), await atHighCourt(), await atHighCourt(), await atHighCourt(1_000_000)];
    const out = await decideBatch(
      w.deps,
      people.highApprover,
      ids.map((id) => item(id)),
      undefined,
      { concurrency: 1 },
    );
    expect(out.results.map((r) => [r.status, r.code ?? null])).toEqual([
      ['awaiting_payout', null],
      ['awaiting_payout', null],
      // 1,000,000 left: the third (3,000,000) no longer fits, the fourth (1,000,000) still does.
      ['pending_approval', 'QUOTA_EXCEEDED'],
      ['awaiting_payout', null],
    ]);
    expect(out.results[2]?.pendingAt).toBe('JX');
    expect(await w.quota()).toMatchObject({ reservedFen: 7_000_000, availableFen: 0 });
    const refused = await w.repo.get(ids[2] as string);
    expect(refused?.quotaReservation ?? null).toBeNull();
    expect((refused?.decisions ?? []).filter((d) => d.court === 'JX')).toHaveLength(0);
  });

  it('answers NOT_FOUND for an unknown id and for another province’s application, revealing nothing', async () => {
    const mine = await w.submitted();
    const foreign = await w.submitted();
    const out = await decideBatch(w.deps, people.foreignApprover, [
      item(foreign),
      item('no-such-application'),
    ]);
    expect(out.results).toEqual([
      expect.objectContaining({ applicationId: foreign, status: null, pendingAt: null, code: 'NOT_FOUND' }),
      expect.objectContaining({ applicationId: 'no-such-application', status: null, code: 'NOT_FOUND' }),
    ]);
    expect((await w.repo.get(foreign))?.decisions ?? []).toHaveLength(0);
    // An application of the caller's own jurisdiction in the same batch is still decided.
    const mixed = await decideBatch(w.deps, people.basicApprover, [item('no-such-application'), item(mine)]);
    expect(mixed.results.map((r) => r.code ?? r.status)).toEqual(['NOT_FOUND', 'pending_approval']);
  });

  it('decides a duplicated id once: the second item is DUPLICATE_IN_BATCH', async () => {
    const a = await w.submitted();
    const out = await decideBatch(w.deps, people.basicApprover, [item(a), item(a, 'reject', '不同意')]);
    expect(out.results.map((r) => r.code ?? r.status)).toEqual(['pending_approval', 'DUPLICATE_IN_BATCH']);
    const app = await w.repo.get(a);
    expect(app?.decisions).toHaveLength(1);
    expect(app?.decisions?.[0]?.decision).toBe('approve');
  });

  it('refuses per item under the single decision’s rules: another court’s level, the submitter, a missing reason', async () => {
    const waitingAtBasic = await w.submitted();
    const own = await w.ready();
    await submitApplication(w.deps, people.clerkApprover, own, FORM);
    const noReason = await w.submitted();
    const mid = await decideBatch(w.deps, people.midApprover, [item(waitingAtBasic)]);
    expect(mid.results[0]).toMatchObject({
      code: 'NOT_PENDING_AT_YOUR_COURT',
      status: 'pending_approval',
      pendingAt: 'JX0102',
    });
    const out = await decideBatch(w.deps, people.clerkApprover, [item(own), item(noReason, 'reject', '')]);
    expect(out.results.map((r) => r.code)).toEqual(['SUBMITTER_CANNOT_DECIDE', 'COMMENT_REQUIRED']);
    expect((await w.repo.get(own))?.decisions ?? []).toHaveLength(0);
    expect((await w.repo.get(noReason))?.decisions ?? []).toHaveLength(0);
  });

  it('refuses a caller who is not an approver as a whole (403 ROLE_FORBIDDEN), changing nothing', async () => {
    const a = await w.submitted();
    await refusedWithoutChange(w, () => decideBatch(w.deps, people.clerk, [item(a)]), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
  });

  it('keeps deciding the other items when one fails unexpectedly (that item: INTERNAL_ERROR)', async () => {
    const a = await w.submitted();
    const broken = await w.submitted();
    const b = await w.submitted();
    const real = w.deps.repo;
    const repo: ApplicationRepository = Object.create(real);
    repo.listDocuments = (id: string) =>
      id === broken ? Promise.reject(new TypeError('boom')) : real.listDocuments(id);
    const out = await decideBatch({ ...w.deps, repo }, people.basicApprover, [
      item(a),
      item(broken),
      item(b),
    ]);
    expect(out.results.map((r) => r.code ?? r.status)).toEqual([
      'pending_approval',
      'INTERNAL_ERROR',
      'pending_approval',
    ]);
    expect((await w.repo.get(broken))?.decisions ?? []).toHaveLength(0);
  });

  it('records the results under the Idempotency-Key once; the key recorded meanwhile is a replay', async () => {
    const a = await w.submitted();
    const items = [item(a)];
    const key = idempotencyFor<BatchResult>(people.basicApprover, 'decideBatch', {}, 'k-1', { items });
    const first = await decideBatch(w.deps, people.basicApprover, items, key);
    const stored = await w.repo.getIdempotency(key.scope, key.key);
    expect(stored?.response.body).toEqual(first);
    const again = await decideBatch(w.deps, people.basicApprover, items, key).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(IdempotencyReplay);
    expect((again as IdempotencyReplay).record.response.body).toEqual(first);
    expect((await w.repo.get(a))?.decisions).toHaveLength(1);
  });
});

describe('decideBatch, several items at once', () => {
  it('with items in flight together, approves exactly the amounts that fit and refuses the rest, never overspending', async () => {
    w = await world({ quotaFen: 12_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await atHighCourt());
    const out = await decideBatch(
      w.deps,
      people.highApprover,
      ids.map((id) => item(id)),
    );
    const codes = out.results.map((r) => r.code ?? r.status);
    expect(codes.filter((c) => c === 'awaiting_payout')).toHaveLength(4);
    expect(codes.filter((c) => c === 'QUOTA_EXCEEDED')).toHaveLength(4);
    expect(await w.quota()).toMatchObject({ reservedFen: 12_000_000, availableFen: 0 });
    for (const [i, id] of ids.entries()) {
      const app = await w.repo.get(id);
      const approvedHere = (app?.decisions ?? []).some((d) => d.court === 'JX');
      expect(approvedHere).toBe(codes[i] === 'awaiting_payout');
      expect(app?.quotaReservation != null).toBe(approvedHere);
    }
  });

  it(`decides at most BATCH_CONCURRENCY (${BATCH_CONCURRENCY}) items at once, more than one`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await w.submitted());
    const real = w.deps.repo;
    const repo: ApplicationRepository = Object.create(real);
    let inFlight = 0;
    let most = 0;
    repo.listDocuments = async (id: string) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await real.listDocuments(id);
      } finally {
        inFlight--;
      }
    };
    const out = await decideBatch(
      { ...w.deps, repo },
      people.basicApprover,
      ids.map((id) => item(id)),
    );
    expect(out.results.every((r) => r.status === 'pending_approval' && r.code === undefined)).toBe(true);
    expect(most).toBe(BATCH_CONCURRENCY);
  });

  it('reads the batch’s applications once, together, and decides from that read', async () => {
    const ids = [await w.submitted(), await w.submitted(), await w.submitted()];
    const real = w.deps.repo;
    const repo: ApplicationRepository = Object.create(real);
    const reads: string[] = [];
    const batchReads: string[][] = [];
    repo.get = (id: string) => {
      reads.push(id);
      return real.get(id);
    };
    repo.getMany = (many: readonly string[]) => {
      batchReads.push([...many]);
      return real.getMany(many);
    };
    // The store's own reads inside its write are its own, not the use case's.
    repo.update = real.update.bind(real);
    const out = await decideBatch({ ...w.deps, repo }, people.basicApprover, [
      item(ids[0] as string),
      item(ids[1] as string),
      item(ids[0] as string),
      item(ids[2] as string),
    ]);
    expect(out.results.map((r) => r.code ?? r.status)).toEqual([
      'pending_approval',
      'pending_approval',
      'DUPLICATE_IN_BATCH',
      'pending_approval',
    ]);
    expect(batchReads).toEqual([ids]);
    // The use case reads no item again.
    expect(reads.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('judges an item again on a fresh read when the batch’s read of it is stale (decided meanwhile at its level)', async () => {
    const a = await w.submitted();
    const stale = await w.repo.getMany([a]);
    // The basic level decides it (a single decision) after the batch read it: it now waits at JX01.
    await decideApplication(w.deps, people.basicApprover, a, approve);
    const real = w.deps.repo;
    const repo: ApplicationRepository = Object.create(real);
    repo.getMany = async () => stale;
    const out = await decideBatch({ ...w.deps, repo }, people.midApprover, [item(a)]);
    expect(out.results).toEqual([{ applicationId: a, status: 'pending_approval', pendingAt: 'JX' }]);
    const again = await decideBatch({ ...w.deps, repo }, people.basicApprover, [item(a)]);
    // And the basic level, whose stale read says "waiting here", is refused as the application stands.
    expect(again.results[0]).toMatchObject({ code: 'DECISION_ALREADY_RECORDED', pendingAt: 'JX' });
    expect((await w.repo.get(a))?.decisions).toHaveLength(2);
  });
});

describe('decideBatch within the function’s time', () => {
  it('stops before the timeout: the items not reached are NOT_ATTEMPTED, nothing written for them, and the answer is recorded', async () => {
    const ids = [await w.submitted(), await w.submitted(), await w.submitted()];
    // 20 s left for the first item, then less than the reserve.
    const left = [20_000, 4_000, 3_000];
    const remainingMs = () => left.shift() ?? 0;
    const before = await Promise.all(ids.map(async (id) => (await w.repo.listAudit(id)).length));
    const out = await decideBatch(
      w.deps,
      people.basicApprover,
      ids.map((id) => item(id)),
      undefined,
      { remainingMs },
    );
    expect(out.results.map((r) => r.code ?? 'decided')).toEqual([
      'decided',
      'NOT_ATTEMPTED',
      'NOT_ATTEMPTED',
    ]);
    for (const [i, id] of ids.entries()) {
      if (i === 0) continue;
      expect((await w.repo.get(id))?.status).toBe('pending_approval');
      expect((await w.repo.listAudit(id)).length).toBe(before[i]);
    }
  });
});
