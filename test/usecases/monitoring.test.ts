import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/lib/auth.ts';
import { applicationView } from '../../functions/usecases/applications.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { dismissResumption } from '../../functions/usecases/dismiss-resumption.ts';
import { listDue } from '../../functions/usecases/list-due.ts';
import { recordAssetCheck } from '../../functions/usecases/record-asset-check.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { people, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world(); // clock at T0 = 2026-03-10 10:00 Beijing
});

const ruling = { rulingNumber: '(2026)赣0102执恢1号', issuedAt: '2026-03-11' };
const check = (
  checkedAt: string,
  result: 'none-found' | 'assets-found' | 'evasion-found' = 'none-found',
) => ({
  checkedAt,
  method: 'network-inquiry' as const,
  result,
  detail: '通过网络执行查控系统查询，未发现可供执行的财产。',
});
/** Beijing 10:00 on `day`. */
const at = (day: string) => w.clock.set(`${day}T02:00:00.000Z`);

async function closed() {
  const id = await w.paid();
  await closeApplication(w.deps, people.clerk, id, ruling);
  return id;
}

const dueIds = async (
  principal: Principal = people.clerk,
  input: { courtCode?: string; before?: string } = {},
) => (await listDue(w.deps, principal, { limit: 50, ...input })).items.map((i) => i.app.id);

describe('post-closure monitoring (终本规定 Art. 9 by analogy)', () => {
  it('closure schedules the first check six months after the ruling, for five years (campaign settings)', async () => {
    const id = await closed();
    const app = await w.repo.get(id);
    expect(app?.monitoring).toMatchObject({
      closedOn: '2026-03-11',
      nextDue: '2026-09-11',
      until: '2031-03-11',
    });
    expect(applicationView(app as NonNullable<typeof app>, people.clerk)).toMatchObject({
      nextAssetCheckDue: '2026-09-11',
      resumptionDue: false,
    });
  });

  it('follows the campaign’s interval', async () => {
    await w.deps.campaigns.put({ ...w.campaign, assetCheckIntervalMonths: 3, assetCheckYears: 1 });
    const id = await closed();
    expect((await w.repo.get(id))?.monitoring).toMatchObject({ nextDue: '2026-06-11', until: '2027-03-11' });
  });

  it('lists the case as due from its due date, and overdue after it, by the injected clock', async () => {
    const id = await closed();
    expect(await dueIds()).toEqual([]);
    at('2026-09-10');
    expect(await dueIds()).toEqual([]);
    at('2026-09-11');
    const due = await listDue(w.deps, people.clerk, { limit: 50 });
    expect(due.items.map((i) => [i.app.id, i.nextAssetCheckDue, i.overdue])).toEqual([
      [id, '2026-09-11', false],
    ]);
    at('2026-09-12');
    expect((await listDue(w.deps, people.clerk, { limit: 50 })).items[0]?.overdue).toBe(true);
    // `before` looks ahead without waiting.
    at('2026-03-12');
    expect(await dueIds(people.clerk, { before: '2026-09-11' })).toEqual([id]);
  });

  it('shows the case within the jurisdiction only: its court, the courts above it, the SPC; 404 for a foreign courtCode', async () => {
    const id = await closed();
    at('2026-09-11');
    expect(await dueIds(people.highClerk)).toEqual([id]);
    expect(await dueIds(people.midApprover)).toEqual([id]);
    expect(await dueIds(people.spcAdmin)).toEqual([id]);
    expect(await dueIds(people.spcAdmin, { courtCode: 'JX0102' })).toEqual([id]);
    expect(await dueIds(people.foreignClerk)).toEqual([]);
    await expect(
      listDue(w.deps, people.foreignClerk, { limit: 50, courtCode: 'JX0102' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('a check moves the schedule one interval on and takes the case off the due list', async () => {
    const id = await closed();
    at('2026-09-12');
    const app = await recordAssetCheck(w.deps, people.clerk, id, check('2026-09-12'));
    expect(app.monitoring?.nextDue).toBe('2027-03-12');
    expect(await dueIds()).toEqual([]);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'asset-check.recorded',
      detail: { result: 'none-found', nextDue: '2027-03-12', resumptionDue: false },
    });
  });

  it('assets found make resumption due until enforcement resumes (and the case leaves the due list)', async () => {
    const id = await closed();
    at('2026-09-11');
    const found = await recordAssetCheck(w.deps, people.clerk, id, check('2026-09-11', 'assets-found'));
    expect(applicationView(found, people.clerk).resumptionDue).toBe(true);
    const resumed = await resumeEnforcement(w.deps, people.clerk, id, {
      reason: 'assets-found',
      basis: '查询发现被执行人名下车辆',
      amountFen: 1_000_000,
    });
    expect(applicationView(resumed, people.clerk)).toMatchObject({
      resumptionDue: false,
      nextAssetCheckDue: null,
    });
    at('2027-09-11');
    expect(await dueIds(people.highClerk)).toEqual([]);
  });

  it('refuses, changing nothing: not relief-closed (409), before closure, in the future, the applicant told before the check or in the future (422), duplicate date and method (409)', async () => {
    const paid = await w.paid();
    await refusedWithoutChange(w, () => recordAssetCheck(w.deps, people.clerk, paid, check('2026-03-10')), {
      code: 'NOT_RELIEF_CLOSED',
      status: 409,
    });
    await closeApplication(w.deps, people.clerk, paid, ruling);
    at('2026-04-01');
    await refusedWithoutChange(w, () => recordAssetCheck(w.deps, people.clerk, paid, check('2026-03-10')), {
      code: 'CHECK_BEFORE_CLOSURE',
      status: 422,
    });
    await refusedWithoutChange(w, () => recordAssetCheck(w.deps, people.clerk, paid, check('2026-04-02')), {
      code: 'CHECK_IN_FUTURE',
      status: 422,
    });
    await recordAssetCheck(w.deps, people.clerk, paid, check('2026-03-31'));
    await refusedWithoutChange(w, () => recordAssetCheck(w.deps, people.clerk, paid, check('2026-03-31')), {
      code: 'DUPLICATE_ASSET_CHECK',
      status: 409,
    });
    // The applicant is told of the result after the check, and not on a day still to come.
    await refusedWithoutChange(
      w,
      () =>
        recordAssetCheck(w.deps, people.clerk, paid, {
          ...check('2026-03-30'),
          applicantNotifiedAt: '2026-03-29',
        }),
      { code: 'APPLICANT_NOTIFIED_BEFORE_CHECK', status: 422 },
    );
    await refusedWithoutChange(
      w,
      () =>
        recordAssetCheck(w.deps, people.clerk, paid, {
          ...check('2026-03-30'),
          applicantNotifiedAt: '2026-04-02',
        }),
      { code: 'APPLICANT_NOTIFIED_IN_FUTURE', status: 422 },
    );
    const told = await recordAssetCheck(w.deps, people.clerk, paid, {
      ...check('2026-03-30'),
      applicantNotifiedAt: '2026-04-01',
    });
    expect(told.monitoring?.checks.at(-1)?.applicantNotifiedAt).toBe('2026-04-01');
    await refusedWithoutChange(
      w,
      () => recordAssetCheck(w.deps, people.foreignClerk, paid, check('2026-03-31')),
      {
        code: 'NOT_FOUND',
        status: 404,
      },
    );
  });
});

describe('dismissResumption (不予恢复执行, a reasoned dismissal of resumptionDue)', () => {
  const reason = { reason: '所涉车辆已设定抵押，变价款不足以清偿在先债权，暂不恢复执行。' };

  it('clears resumptionDue with the reason kept on the case and audited; the case stays closed and monitored', async () => {
    const id = await closed();
    at('2026-09-11');
    await recordAssetCheck(w.deps, people.clerk, id, check('2026-09-11', 'evasion-found'));
    const dismissed = await dismissResumption(w.deps, people.clerk, id, reason);
    expect(dismissed.status).toBe('closed');
    expect(applicationView(dismissed, people.clerk)).toMatchObject({
      resumptionDue: false,
      nextAssetCheckDue: '2027-03-11',
      resumptionDismissals: [
        { ...reason, dismissedBy: people.clerk.sub, dismissedAt: '2026-09-11T02:00:00.000Z' },
      ],
    });
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'resumption.dismissed',
      fromStatus: 'closed',
      toStatus: 'closed',
      detail: reason,
    });
    // A later check finding assets makes it due again.
    at('2027-03-11');
    const again = await recordAssetCheck(w.deps, people.clerk, id, check('2027-03-11', 'assets-found'));
    expect(again.resumptionDue).toBe(true);
  });

  it('refuses, changing nothing: no check prompted resumption, not closed, already resumed (409 RESUMPTION_NOT_DUE); other courts (404) and roles (403)', async () => {
    const paid = await w.paid();
    const notDue = { code: 'RESUMPTION_NOT_DUE', status: 409 };
    await refusedWithoutChange(w, () => dismissResumption(w.deps, people.clerk, paid, reason), notDue);
    const id = await closed();
    await refusedWithoutChange(w, () => dismissResumption(w.deps, people.clerk, id, reason), notDue);
    at('2026-09-11');
    await recordAssetCheck(w.deps, people.clerk, id, check('2026-09-11', 'assets-found'));
    await refusedWithoutChange(w, () => dismissResumption(w.deps, people.foreignClerk, id, reason), {
      code: 'NOT_FOUND',
      status: 404,
    });
    await refusedWithoutChange(w, () => dismissResumption(w.deps, people.basicApprover, id, reason), {
      code: 'ROLE_FORBIDDEN',
      status: 403,
    });
    await resumeEnforcement(w.deps, people.clerk, id, {
      reason: 'assets-found',
      basis: '查询发现被执行人名下车辆',
      amountFen: 1_000_000,
    });
    await refusedWithoutChange(w, () => dismissResumption(w.deps, people.clerk, id, reason), notDue);
  });
});
