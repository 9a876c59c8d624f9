import { beforeEach, describe, expect, it } from 'vitest';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { recordRecovery } from '../../functions/usecases/record-recovery.ts';
import { reliefFund } from '../../functions/usecases/relief-fund.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { people, refusal, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

async function resumed() {
  const id = await w.paid();
  await closeApplication(w.deps, people.clerk, id, {
    rulingNumber: `(2026)赣0102执恢${id}号`,
    issuedAt: '2026-03-11',
  });
  await resumeEnforcement(w.deps, people.clerk, id, {
    reason: 'assets-found',
    basis: '查询发现被执行人名下车辆',
    amountFen: 3_000_000,
  });
  return id;
}

const recover = (id: string, amountFen: number, reference: string) =>
  recordRecovery(w.deps, people.clerk, id, { amountFen, receivedAt: '2026-03-12', reference });

describe('reliefFund (救助款回收)', () => {
  it('shows every credited recovery per high court and per case, with totals reconciling to the recoveries recorded', async () => {
    const a = await resumed();
    const b = await resumed();
    await recover(a, 1_000_000, 'HK-1');
    await recover(a, 200_000, 'HK-2');
    await recover(b, 500_000, 'HK-3');
    const fund = await reliefFund(w.deps, people.spcAdmin, w.campaign.id);
    expect(fund.totals).toEqual({
      recoveredFen: 1_700_000,
      entries: 3,
      reportedRecoveredFen: 1_700_000,
      reconciled: true,
    });
    expect(fund.highCourts).toEqual([
      {
        highCourtCode: 'JX',
        recoveredFen: 1_700_000,
        entries: 3,
        reportedRecoveredFen: 1_700_000,
        reconciled: true,
        cases: [
          { applicationId: a, courtCode: 'JX0102', recoveredFen: 1_200_000, entries: 2 },
          { applicationId: b, courtCode: 'JX0102', recoveredFen: 500_000, entries: 1 },
        ].sort((x, y) => x.applicationId.localeCompare(y.applicationId)),
      },
    ]);
    // The per-case figures are the recoveries on the applications themselves.
    expect((await w.repo.get(a))?.recoveredFen).toBe(1_200_000);
    expect((await w.repo.get(b))?.recoveredFen).toBe(500_000);
  });

  it('shows a high court its own province only (another province sees nothing of JX)', async () => {
    const a = await resumed();
    await recover(a, 300_000, 'HK-1');
    const jx = await reliefFund(w.deps, people.highApprover, w.campaign.id);
    expect(jx.scope).toBe('JX');
    expect(jx.totals.recoveredFen).toBe(300_000);
    const bj = await reliefFund(w.deps, people.foreignApprover, w.campaign.id);
    expect(bj).toMatchObject({ scope: 'BJ', highCourts: [], totals: { recoveredFen: 0, reconciled: true } });
  });

  it('flags a ledger that does not reconcile with the recoveries recorded', async () => {
    const a = await resumed();
    await recover(a, 300_000, 'HK-1');
    const [key] = [...w.deps.state.fundEntries.keys()];
    w.deps.state.fundEntries.delete(key as string);
    const fund = await reliefFund(w.deps, people.spcAdmin, w.campaign.id);
    expect(fund.highCourts[0]).toMatchObject({
      recoveredFen: 0,
      reportedRecoveredFen: 300_000,
      reconciled: false,
    });
    expect(fund.totals.reconciled).toBe(false);
  });

  it('refuses everyone else (403 FUND_NOT_VISIBLE) and an unknown campaign (404)', async () => {
    for (const who of [people.clerk, people.midApprover, people.basicApprover, people.spcClerk]) {
      const e = await refusal(reliefFund(w.deps, who, w.campaign.id));
      expect([e.status, e.code]).toEqual([403, 'FUND_NOT_VISIBLE']);
    }
    expect((await refusal(reliefFund(w.deps, people.spcAdmin, 'no-such-campaign'))).status).toBe(404);
  });
});
