import { beforeEach, describe, expect, it } from 'vitest';
import { RESERVATION_STALE_MS } from '../../functions/domain/quota.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { getQuotaAudit } from '../../functions/usecases/get-quota-audit.ts';
import { sweepStaleReservations } from '../../functions/usecases/quota-reservations.ts';
import { setQuota } from '../../functions/usecases/set-quota.ts';
import { people, refusal, refusedWithoutChange, type World, world } from './world.ts';

/**
 * Issue 13 item 2: a final approval reserves by one conditional update on the quota row (an entry keyed
 * by application and version), then writes its transaction without the row; a refused transaction
 * releases the entry, a crash between the two leaves it for the repair sweep (reconcile), which fences
 * the application and releases it, or drops it when the application recorded it.
 */
const approve = { decision: 'approve' as const, comment: '同意' };
const reject = { decision: 'reject' as const, comment: '不符合救助条件' };
const otherHighApprover: Principal = { sub: 'approver-jx-2', court: 'JX', roles: ['approver'] };
const RELIEF = 3_000_000;

describe('quota reservation outside the decision transaction', () => {
  let w: World;
  beforeEach(async () => {
    w = await world({ quotaFen: 9_000_000 });
  });

  /** Submitted and approved at the basic and intermediate levels: waits for the high court's final approval. */
  async function atHighCourt(): Promise<string> {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, approve);
    await decideApplication(w.deps, people.midApprover, id, approve);
    return id;
  }

  /** The next transaction of the application store never happens: the process dies after reserving. */
  function crashBeforeTransaction() {
    w.repo.faults.interleave(() => {
      throw new Error('Lambda killed between the reservation and the transaction');
    });
  }

  const sweep = () => sweepStaleReservations(w.deps);
  const entries = async () => (await w.quota())?.reservations ?? {};

  it('reserves by an entry keyed by application and version that the application records', async () => {
    const id = await atHighCourt();
    const read = await w.repo.get(id);
    await decideApplication(w.deps, people.highApprover, id, approve);
    const key = `${id}#v${read?.version}`;
    expect((await w.repo.get(id))?.quotaReservation).toMatchObject({
      key,
      state: 'reserved',
      amountFen: RELIEF,
    });
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF, availableFen: 9_000_000 - RELIEF });
    expect(await entries()).toEqual({
      [key]: { applicationId: id, version: read?.version, amountFen: RELIEF, at: w.now().toISOString() },
    });
  });

  it('refuses with QUOTA_EXCEEDED from the reservation itself, writing no entry and nothing else', async () => {
    w = await world({ quotaFen: 2_000_000 });
    const id = await atHighCourt();
    await refusedWithoutChange(w, () => decideApplication(w.deps, people.highApprover, id, approve), {
      code: 'QUOTA_EXCEEDED',
      status: 409,
    });
    expect(await entries()).toEqual({});
  });

  it('releases the reservation when its transaction is refused because the application moved on', async () => {
    const id = await atHighCourt();
    // Another approver of the high court rejects in the window between the reservation and the transaction.
    w.repo.faults.interleave(async () => {
      await decideApplication(w.deps, otherHighApprover, id, reject);
    });
    const error = await refusal(decideApplication(w.deps, people.highApprover, id, approve));
    expect(error.code).toBe('DECISION_ALREADY_RECORDED');
    expect((await w.repo.get(id))?.status).toBe('rejected');
    expect(await w.quota()).toMatchObject({ reservedFen: 0, availableFen: 9_000_000 });
    expect(await entries()).toEqual({});
  });

  it('a crash between reservation and transaction leaves the entry reserved; the same read retried reserves once', async () => {
    const id = await atHighCourt();
    crashBeforeTransaction();
    await expect(decideApplication(w.deps, people.highApprover, id, approve)).rejects.toThrow(/killed/);
    expect((await w.repo.get(id))?.status).toBe('pending_approval');
    // Never overspent meanwhile: the amount is counted as reserved.
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF, availableFen: 9_000_000 - RELIEF });
    // The client retries (same application version): the entry is there, nothing is reserved twice.
    await decideApplication(w.deps, people.highApprover, id, approve);
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF, availableFen: 9_000_000 - RELIEF });
    expect(Object.keys(await entries())).toEqual([(await w.repo.get(id))?.quotaReservation?.key]);
  });

  it('the sweep leaves an entry younger than the decision timeout alone', async () => {
    const id = await atHighCourt();
    crashBeforeTransaction();
    await expect(decideApplication(w.deps, people.highApprover, id, approve)).rejects.toThrow();
    w.clock.advance(RESERVATION_STALE_MS - 1);
    expect(await sweep()).toEqual({});
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF });
  });

  it('the sweep fences an application still at the entry’s version, then releases it with an audited, chained entry', async () => {
    const id = await atHighCourt();
    const before = await w.repo.get(id);
    crashBeforeTransaction();
    await expect(decideApplication(w.deps, people.highApprover, id, approve)).rejects.toThrow();
    w.clock.advance(RESERVATION_STALE_MS + 1);
    expect(await sweep()).toEqual({ fenced: 1, released: 1 });
    const after = await w.repo.get(id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.status).toBe('pending_approval');
    const trail = await w.verifiedAudit(id);
    expect(trail.at(-1)).toMatchObject({
      action: 'quota.reservation.fenced',
      actor: { sub: 'system:reservation-sweep' },
    });
    expect(await w.quota()).toMatchObject({ reservedFen: 0, availableFen: 9_000_000 });
    expect(await entries()).toEqual({});
    const audit = await getQuotaAudit(w.deps, people.spcAdmin, w.campaign.id, 'JX');
    expect(audit.verification.valid).toBe(true);
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'quota.reservation.released',
      detail: {
        reservationKey: `${id}#v${before?.version}`,
        amountFen: RELIEF,
        fromReservedFen: RELIEF,
        toReservedFen: 0,
        fenced: true,
      },
    });
    // A decision built on the fenced version can no longer commit; one on the new version reserves anew.
    await decideApplication(w.deps, people.highApprover, id, approve);
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF, availableFen: 9_000_000 - RELIEF });
    expect(await sweep()).toEqual({});
  });

  it('the sweep releases without a fence when the application moved on without recording the entry', async () => {
    const id = await atHighCourt();
    crashBeforeTransaction();
    await expect(decideApplication(w.deps, people.highApprover, id, approve)).rejects.toThrow();
    await decideApplication(w.deps, otherHighApprover, id, reject);
    w.clock.advance(RESERVATION_STALE_MS + 1);
    expect(await sweep()).toEqual({ released: 1 });
    expect((await w.repo.get(id))?.status).toBe('rejected');
    expect(await w.quota()).toMatchObject({ reservedFen: 0, availableFen: 9_000_000 });
  });

  it('the sweep drops the entry of a recorded decision and leaves the amount reserved for it', async () => {
    const id = await atHighCourt();
    await decideApplication(w.deps, people.highApprover, id, approve);
    const auditBefore = await w.quotas.listAudit(w.campaign.id, 'JX');
    w.clock.advance(RESERVATION_STALE_MS + 1);
    expect(await sweep()).toEqual({ dropped: 1 });
    expect(await entries()).toEqual({});
    expect(await w.quota()).toMatchObject({ reservedFen: RELIEF, availableFen: 9_000_000 - RELIEF });
    expect(await w.quotas.listAudit(w.campaign.id, 'JX')).toEqual(auditBefore);
    expect((await w.repo.get(id))?.quotaReservation?.state).toBe('reserved');
  });

  it('the payout that commits the reservation removes its entry too', async () => {
    const id = await w.paid();
    expect((await w.repo.get(id))?.quotaReservation?.state).toBe('committed');
    expect(await w.quota()).toMatchObject({ reservedFen: 0, disbursedFen: RELIEF });
    expect(await entries()).toEqual({});
  });

  it('the SPC cannot allocate below what entries still reserve', async () => {
    const id = await atHighCourt();
    crashBeforeTransaction();
    await expect(decideApplication(w.deps, people.highApprover, id, approve)).rejects.toThrow();
    const error = await refusal(setQuota(w.deps, people.spcAdmin, w.campaign.id, 'JX', RELIEF - 1));
    expect(error.code).toBe('QUOTA_BELOW_COMMITTED');
    const set = await setQuota(w.deps, people.spcAdmin, w.campaign.id, 'JX', RELIEF);
    expect(set).toMatchObject({ reservedFen: RELIEF, remainingFen: 0 });
    // The allocation kept the entry: the sweep still settles it.
    w.clock.advance(RESERVATION_STALE_MS + 1);
    expect(await sweep()).toEqual({ fenced: 1, released: 1 });
    expect(await w.quota()).toMatchObject({ reservedFen: 0, availableFen: RELIEF });
  });

  it('exactly the final approvals that fit are approved when they race', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await atHighCourt());
    const results = await Promise.allSettled(
      ids.map((id) => decideApplication(w.deps, people.highApprover, id, approve)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await w.quota()).toMatchObject({ reservedFen: 9_000_000, availableFen: 0 });
    expect(Object.keys(await entries())).toHaveLength(3);
  });
});
