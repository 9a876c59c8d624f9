import { beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { getRuling } from '../../functions/usecases/get-ruling.ts';
import { recordRecovery } from '../../functions/usecases/record-recovery.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { noticeClosingReason, noticeRulingParagraph } from '../support/seed.ts';
import { idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const ruling = { rulingNumber: '(2026)赣0102执恢1号', issuedAt: '2026-03-11' };

async function closed() {
  const id = await w.paid();
  await closeApplication(w.deps, people.clerk, id, ruling);
  return id;
}

async function resumed(amountFen = 3_000_000) {
  const id = await closed();
  await resumeEnforcement(w.deps, people.clerk, id, {
    reason: 'assets-found',
    basis: '查询发现被执行人名下车辆',
    amountFen,
  });
  return id;
}

describe('getRuling (终结执行裁定书)', () => {
  it('exists only once the relief is paid (409 NOT_PAID), then carries the notice’s mandated paragraph verbatim', async () => {
    const id = await w.dispatched();
    expect((await refusal(getRuling(w.deps, people.clerk, id))).code).toBe('NOT_PAID');
    const { packageIdOf } = await import('../../functions/usecases/payouts.ts');
    const { handleInsurerEvent } = await import('../../functions/usecases/handle-insurer-event.ts');
    await handleInsurerEvent(w.deps, {
      id: 'evt-1',
      type: 'payout.succeeded',
      packageId: packageIdOf(id, 1),
      amountFen: 3_000_000,
      paidAt: '2026-03-10T10:00:00+08:00',
      transactionRef: 'PICC-1',
    });
    const { ruling: text } = await getRuling(w.deps, people.midApprover, id);
    expect(text.paragraphs).toContain(noticeRulingParagraph());
    expect(text.text).toContain('PICC-1');
    expect((await refusal(getRuling(w.deps, people.foreignClerk, id))).status).toBe(404);
  });
});

describe('closeApplication (报结)', () => {
  it('closes a paid application as 终结执行 with the notice’s closing reason; restrictions are not lifted', async () => {
    const id = await w.paid();
    const app = await closeApplication(w.deps, people.clerk, id, ruling);
    expect(app.status).toBe('closed');
    expect(app.closure).toMatchObject({
      ...ruling,
      closingReason: noticeClosingReason(),
      restrictionsLifted: false,
      closedBy: people.clerk.sub,
    });
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'application.closed',
      detail: { closingReason: noticeClosingReason(), restrictionsLifted: false },
    });
    expect((await getRuling(w.deps, people.clerk, id)).ruling.heading).toContain(ruling.rulingNumber);
  });

  it('refuses to close before payout or twice (409 INVALID_STATUS), and a ruling dated before the payout (422 RULING_BEFORE_PAYOUT)', async () => {
    const waiting = await w.dispatched();
    await refusedWithoutChange(w, () => closeApplication(w.deps, people.clerk, waiting, ruling), {
      code: 'INVALID_STATUS',
      status: 409,
    });
    const id = await w.paid();
    const paidAt = (await w.repo.get(id))?.payout?.paidAt as string;
    const dayBefore = new Date(Date.parse(paidAt) - 86_400_000).toISOString().slice(0, 10);
    await refusedWithoutChange(
      w,
      () => closeApplication(w.deps, people.clerk, id, { ...ruling, issuedAt: dayBefore }),
      { code: 'RULING_BEFORE_PAYOUT', status: 422 },
    );
    await closeApplication(w.deps, people.clerk, id, ruling);
    await refusedWithoutChange(w, () => closeApplication(w.deps, people.clerk, id, ruling), {
      code: 'INVALID_STATUS',
      status: 409,
    });
  });

  it('refuses anyone but a clerk of the executing court (403 ROLE_FORBIDDEN; 404 outside)', async () => {
    const id = await w.paid();
    await refusedWithoutChange(w, () => closeApplication(w.deps, people.basicApprover, id, ruling), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await refusedWithoutChange(w, () => closeApplication(w.deps, people.foreignClerk, id, ruling), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('records the key with the closure; a concurrent request with the same key is answered with the first response', async () => {
    const id = await w.paid();
    const write = idempotencyFor(people.clerk, 'closeApplication', { id }, 'c-1', ruling);
    w.repo.faults.interleave(async () => {
      await closeApplication(w.deps, people.clerk, id, ruling, write);
    });
    expect(await refusal(closeApplication(w.deps, people.clerk, id, ruling, write))).toBeInstanceOf(
      IdempotencyReplay,
    );
    expect((await w.repo.listAudit(id)).filter((e) => e.action === 'application.closed')).toHaveLength(1);
  });
});

describe('resumeEnforcement (恢复执行)', () => {
  it('resumes a closed case on the court’s own authority, counted in the report', async () => {
    const id = await resumed(1_000_000);
    expect(await w.repo.get(id)).toMatchObject({
      status: 'resumed',
      resumption: { reason: 'assets-found', amountFen: 1_000_000, resumedBy: people.clerk.sub },
      recoveredFen: 0,
    });
    expect((await w.counters()).resumed).toBe(1);
  });

  it('refuses a case that is not closed (409 INVALID_STATUS) and an amount above the relief paid (422 AMOUNT_OVER_RELIEF)', async () => {
    const paidOnly = await w.paid();
    const input = { reason: 'evasion' as const, basis: '被执行人转移财产', amountFen: 1 };
    await refusedWithoutChange(w, () => resumeEnforcement(w.deps, people.clerk, paidOnly, input), {
      code: 'INVALID_STATUS',
      status: 409,
    });
    const id = await closed();
    await refusedWithoutChange(
      w,
      () => resumeEnforcement(w.deps, people.clerk, id, { ...input, amountFen: 3_000_001 }),
      { code: 'AMOUNT_OVER_RELIEF', status: 422 },
    );
  });
});

describe('recordRecovery (执行到位)', () => {
  it('credits recovered money to the relief fund, in the same change, and counts it', async () => {
    const id = await resumed();
    const app = await recordRecovery(w.deps, people.clerk, id, {
      amountFen: 1_200_000,
      receivedAt: '2026-03-12',
      reference: 'HK-1',
    });
    expect(app.recoveredFen).toBe(1_200_000);
    expect(await w.repo.getFund(w.campaign.id)).toEqual({ recoveredFen: 1_200_000, entries: 1 });
    expect((await w.counters()).recoveredFen).toBe(1_200_000);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'recovery.recorded',
      detail: { totalRecoveredFen: 1_200_000 },
    });
  });

  it('refuses recoveries that would total more than the relief amount (422 RECOVERY_OVER_RELIEF), and on a case not resumed (409)', async () => {
    const id = await resumed();
    await recordRecovery(w.deps, people.clerk, id, {
      amountFen: 2_000_000,
      receivedAt: '2026-03-12',
      reference: 'a',
    });
    await refusedWithoutChange(
      w,
      () =>
        recordRecovery(w.deps, people.clerk, id, {
          amountFen: 1_000_001,
          receivedAt: '2026-03-13',
          reference: 'b',
        }),
      { code: 'RECOVERY_OVER_RELIEF', status: 422 },
    );
    const notResumed = await closed();
    await refusedWithoutChange(
      w,
      () =>
        recordRecovery(w.deps, people.clerk, notResumed, {
          amountFen: 1,
          receivedAt: '2026-03-13',
          reference: 'c',
        }),
      { code: 'INVALID_STATUS', status: 409 },
    );
  });

  it('keeps the cap when two recoveries race: the one that lost is judged on the total after the winner', async () => {
    const id = await resumed();
    w.repo.faults.interleave(async () => {
      await recordRecovery(w.deps, people.otherClerk, id, {
        amountFen: 2_000_000,
        receivedAt: '2026-03-12',
        reference: 'first',
      });
    });
    const error = await refusal(
      recordRecovery(w.deps, people.clerk, id, {
        amountFen: 2_000_000,
        receivedAt: '2026-03-12',
        reference: 'second',
      }),
    );
    expect(error.code).toBe('RECOVERY_OVER_RELIEF');
    expect(await w.repo.getFund(w.campaign.id)).toEqual({ recoveredFen: 2_000_000, entries: 1 });
  });
});
