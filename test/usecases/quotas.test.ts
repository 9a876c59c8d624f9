import { beforeEach, describe, expect, it } from 'vitest';
import { QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { getQuota } from '../../functions/usecases/get-quota.ts';
import { getQuotaAudit } from '../../functions/usecases/get-quota-audit.ts';
import { listQuotas } from '../../functions/usecases/list-quotas.ts';
import { type QuotaView, quotaView } from '../../functions/usecases/quotas.ts';
import { setQuota } from '../../functions/usecases/set-quota.ts';
import { idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const campaign = () => w.campaign.id;

describe('setQuota (分配额度)', () => {
  it('sets a high court’s allocation, audited on the quota’s own chain with the amounts from and to', async () => {
    const view = await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 200_000_000);
    expect(view).toMatchObject({ allocatedFen: 200_000_000, reservedFen: 0, remainingFen: 200_000_000 });
    await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 150_000_000);
    const { entries, verification } = await getQuotaAudit(w.deps, people.spcAdmin, campaign(), 'JX');
    expect(verification).toEqual({ valid: true, length: 2 });
    expect(entries.map((e) => [e.actor.sub, e.detail.fromAllocatedFen, e.detail.toAllocatedFen])).toEqual([
      [people.spcAdmin.sub, 100_000_000, 200_000_000],
      [people.spcAdmin.sub, 200_000_000, 150_000_000],
    ]);
  });

  it('refuses anyone but an SPC administrator (403 ROLE_FORBIDDEN)', async () => {
    for (const p of [people.spcClerk, people.highApprover, people.highClerk])
      await refusedWithoutChange(w, () => setQuota(w.deps, p, campaign(), 'JX', 1), {
        code: 'ROLE_FORBIDDEN',
        status: 403,
      });
  });

  it('refuses a court that holds no quota (422 NOT_A_QUOTA_HOLDER) and an unknown campaign (404)', async () => {
    await refusedWithoutChange(w, () => setQuota(w.deps, people.spcAdmin, campaign(), 'JX01', 1), {
      code: 'NOT_A_QUOTA_HOLDER',
      status: 422,
    });
    await refusedWithoutChange(w, () => setQuota(w.deps, people.spcAdmin, 'nope', 'JX', 1), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('refuses an allocation below what is reserved plus disbursed (409 QUOTA_BELOW_COMMITTED)', async () => {
    await w.paid();
    await w.approved();
    await refusedWithoutChange(w, () => setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 5_999_999), {
      code: 'QUOTA_BELOW_COMMITTED',
      status: 409,
    });
    expect((await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 6_000_000)).remainingFen).toBe(0);
  });

  it('retries an allocation another allocation raced, keeping both on the chain in order', async () => {
    w.quotas.faults.interleave(async () => {
      await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 120_000_000);
    });
    await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 130_000_000);
    const { entries, verification } = await getQuotaAudit(w.deps, people.spcAdmin, campaign(), 'JX');
    expect(verification.valid).toBe(true);
    expect(entries.map((e) => e.detail.toAllocatedFen)).toEqual([120_000_000, 130_000_000]);
    expect((await w.quota())?.allocatedFen).toBe(130_000_000);
  });

  it('gives up with 409 CONCURRENT_UPDATE when other writers keep winning, having written nothing', async () => {
    w.quotas.faults.cancelNext(10);
    await refusedWithoutChange(w, () => setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 1), {
      code: 'CONCURRENT_UPDATE',
      status: 409,
    });
  });

  it('records the key with the allocation; a concurrent request with the same key is answered with the first response', async () => {
    const write = idempotencyFor<QuotaView>(people.spcAdmin, 'setQuota', { code: 'JX' }, 'q-1', { a: 1 });
    w.quotas.faults.interleave(async () => {
      await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 110_000_000, write);
    });
    const replay = (await refusal(
      setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 110_000_000, write),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect(replay.record.response.body).toMatchObject({ allocatedFen: 110_000_000 });
    expect((await getQuotaAudit(w.deps, people.spcAdmin, campaign(), 'JX')).entries).toHaveLength(1);
  });
});

describe('reading quotas', () => {
  it('shows the SPC every quota holder and a high court only its own', async () => {
    expect(
      (await listQuotas(w.deps, people.spcAdmin, campaign())).map((q) => q.highCourtCode).sort(),
    ).toEqual([...QUOTA_HOLDER_CODES].sort());
    expect(await listQuotas(w.deps, people.highClerk, campaign())).toEqual([
      quotaView((await w.quota()) as never),
    ]);
    expect((await getQuota(w.deps, people.highApprover, campaign(), 'JX')).remainingFen).toBe(100_000_000);
  });

  it('403s a court below the high courts (QUOTA_NOT_VISIBLE), 404s another high court’s quota and an unknown campaign', async () => {
    const basic: Principal = people.basicApprover;
    expect((await refusal(listQuotas(w.deps, basic, campaign()))).code).toBe('QUOTA_NOT_VISIBLE');
    expect((await refusal(getQuota(w.deps, people.highApprover, campaign(), 'BJ'))).status).toBe(404);
    expect((await refusal(getQuotaAudit(w.deps, people.highApprover, campaign(), 'BJ'))).status).toBe(404);
    expect((await refusal(listQuotas(w.deps, people.spcAdmin, 'nope'))).status).toBe(404);
  });

  it('shows a tampered allocation trail as broken', async () => {
    await setQuota(w.deps, people.spcAdmin, campaign(), 'JX', 200_000_000);
    const entry = w.state.quotaAudit.get(`${campaign()}#JX`)?.get(1);
    if (entry) entry.detail = { ...entry.detail, toAllocatedFen: 900_000_000 };
    expect((await getQuotaAudit(w.deps, people.spcAdmin, campaign(), 'JX')).verification).toEqual({
      valid: false,
      brokenAtSeq: 1,
      reason: 'HASH_MISMATCH',
    });
  });
});
