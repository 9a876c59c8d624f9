import { beforeEach, describe, expect, it } from 'vitest';
import { QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import type { StoredNarrative } from '../../functions/ports/reports.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { freezeReport } from '../../functions/usecases/freeze-report.ts';
import { campaignReport } from '../../functions/usecases/get-campaign-report.ts';
import { frozenReport } from '../../functions/usecases/get-frozen-report.ts';
import { reportSummary } from '../../functions/usecases/get-report-summary.ts';
import { putNarrative } from '../../functions/usecases/put-narrative.ts';
import type { FrozenReport } from '../../functions/usecases/reports.ts';
import { idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const campaign = () => w.campaign.id;

describe('campaignReport (工作总结报告)', () => {
  it('reports per high court what happened, from the counters, reconciled with the quota ledger', async () => {
    await w.paid();
    await w.paid();
    const rejected = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, rejected, {
      decision: 'reject',
      comment: '不符合',
    });
    await w.submitted();
    const report = await campaignReport(w.deps, people.spcAdmin, campaign());
    expect(report.byHighCourt.map((r) => r.highCourtCode)).toEqual([...QUOTA_HOLDER_CODES]);
    const jx = report.byHighCourt.find((r) => r.highCourtCode === 'JX');
    expect(jx).toMatchObject({
      name: '江西省高级人民法院',
      cases: 2,
      persons: 2,
      paid: 2,
      amountFen: 6_000_000,
      pending: 1,
      rejected: 1,
      approved: 2,
      byCategory: { 'labor-remuneration': { paid: 2, amountFen: 6_000_000 } },
      quota: { allocatedFen: 100_000_000, disbursedFen: 6_000_000, reservedFen: 0, remainingFen: 94_000_000 },
    });
    expect(report.totals).toMatchObject({ cases: 2, persons: 2, paid: 2, amountFen: 6_000_000, pending: 1 });
    expect(report.reconciliation).toEqual({
      reportAmountFen: 6_000_000,
      quotaDisbursedFen: 6_000_000,
      insurerConfirmedFen: 6_000_000,
      consistent: true,
      differences: [],
    });
  });

  it('shows a high court its own row only, and reports a ledger that disagrees instead of hiding it', async () => {
    await w.paid();
    const quota = w.state.quotas.get(`${campaign()}#JX`);
    if (quota) quota.disbursedFen += 1;
    const report = await campaignReport(w.deps, people.highApprover, campaign());
    expect(report.byHighCourt.map((r) => r.highCourtCode)).toEqual(['JX']);
    expect(report.reconciliation).toMatchObject({
      consistent: false,
      differences: [{ between: 'report/quota-ledger', differenceFen: -1 }],
    });
  });

  it('breaks each high court down by executing court (byCourt), from the court rows the same transactions move', async () => {
    await w.paid();
    await w.paid();
    const rejected = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, rejected, {
      decision: 'reject',
      comment: '不符合',
    });
    await w.submitted();
    for (const p of [people.spcAdmin, people.highApprover]) {
      const jx = (await campaignReport(w.deps, p, campaign())).byHighCourt.find(
        (r) => r.highCourtCode === 'JX',
      );
      expect(jx?.byCourt).toEqual([
        {
          courtCode: 'JX0102',
          name: (await w.deps.courts.registry()).get('JX0102')?.name,
          cases: 2,
          persons: 2,
          paid: 2,
          amountFen: 6_000_000,
          byCategory: expect.objectContaining({ 'labor-remuneration': { paid: 2, amountFen: 6_000_000 } }),
          pending: 1,
          approved: 2,
          rejected: 1,
          returned: 0,
          declined: 0,
          resumed: 0,
          recoveredFen: 0,
          approvalTimes: expect.any(Array),
        },
      ]);
    }
    const spc = await campaignReport(w.deps, people.spcAdmin, campaign());
    expect(spc.byHighCourt.find((r) => r.highCourtCode === 'BJ')?.byCourt).toEqual([]);
    const bj = await campaignReport(w.deps, people.foreignApprover, campaign());
    expect(bj.byHighCourt.map((r) => [r.highCourtCode, r.byCourt])).toEqual([['BJ', []]]);
  });

  it('reports approval times (审批用时) per level from the counters each decision moves: count, total, mean, p90 bucket, over the limit', async () => {
    const HOUR = 3_600_000;
    const a = await w.submitted();
    w.clock.advance(2 * HOUR);
    await decideApplication(w.deps, people.basicApprover, a, { decision: 'approve', comment: '' });
    w.clock.advance(30 * HOUR);
    await decideApplication(w.deps, people.midApprover, a, { decision: 'approve', comment: '' });
    w.clock.advance(15 * 24 * HOUR); // past the level's 14-day limit
    await decideApplication(w.deps, people.highApprover, a, { decision: 'reject', comment: '不符合' });
    const b = await w.submitted();
    w.clock.advance(HOUR / 2);
    await decideApplication(w.deps, people.basicApprover, b, { decision: 'return', comment: '补充材料' });
    const expected = [
      { level: 'basic', decided: 2, totalHours: 2.5, meanHours: 1.3, p90Hours: 4, overLimit: 0 },
      { level: 'intermediate', decided: 1, totalHours: 30, meanHours: 30, p90Hours: 48, overLimit: 0 },
      { level: 'high', decided: 1, totalHours: 360, meanHours: 360, p90Hours: null, overLimit: 1 },
    ];
    for (const p of [people.spcAdmin, people.highApprover]) {
      const report = await campaignReport(w.deps, p, campaign());
      const jx = report.byHighCourt.find((r) => r.highCourtCode === 'JX');
      expect(jx?.approvalTimes).toEqual(expected);
      expect(jx?.byCourt.map((c) => [c.courtCode, c.approvalTimes])).toEqual([['JX0102', expected]]);
      expect(report.totals.approvalTimes).toEqual(expected);
    }
    const bj = await campaignReport(w.deps, people.foreignApprover, campaign());
    expect(bj.byHighCourt[0]?.approvalTimes).toEqual([]);
    expect(bj.totals.approvalTimes).toEqual([]);
  });

  it('403s courts below the high courts (REPORT_NOT_VISIBLE) and 404s an unknown campaign', async () => {
    expect((await refusal(campaignReport(w.deps, people.midApprover, campaign()))).code).toBe(
      'REPORT_NOT_VISIBLE',
    );
    expect((await refusal(campaignReport(w.deps, people.spcAdmin, 'nope'))).status).toBe(404);
  });
});

describe('freezeReport and frozenReport', () => {
  it('freezes a high court’s report once, with its hash; later changes show as differences, never in the copy', async () => {
    await w.paid();
    const frozen = await freezeReport(w.deps, people.highApprover, campaign(), 'JX');
    expect(frozen).toMatchObject({
      highCourtCode: 'JX',
      frozenBy: people.highApprover.sub,
      report: { paid: 1 },
    });
    await refusedWithoutChange(w, () => freezeReport(w.deps, people.highClerk, campaign(), 'JX'), {
      code: 'REPORT_ALREADY_FROZEN',
      status: 409,
    });
    await w.paid();
    const read = await frozenReport(w.deps, people.spcAdmin, campaign(), 'JX');
    expect(read).toMatchObject({ hash: frozen.hash, hashValid: true, report: { paid: 1 } });
    expect(read.differences).toEqual(
      expect.arrayContaining([
        { field: 'paid', frozen: 1, live: 2 },
        { field: 'amountFen', frozen: 3_000_000, live: 6_000_000 },
      ]),
    );
  });

  it('lets only the high court itself freeze (403 ROLE_FORBIDDEN); a report not frozen, or another court’s, is 404', async () => {
    for (const p of [people.foreignApprover, people.spcAdmin, people.midApprover])
      await refusedWithoutChange(w, () => freezeReport(w.deps, p, campaign(), 'JX'), {
        code: 'ROLE_FORBIDDEN',
        status: 403,
      });
    expect((await refusal(frozenReport(w.deps, people.highApprover, campaign(), 'JX'))).status).toBe(404);
    await freezeReport(w.deps, people.highApprover, campaign(), 'JX');
    expect((await refusal(frozenReport(w.deps, people.foreignApprover, campaign(), 'JX'))).status).toBe(404);
  });

  it('shows a frozen copy edited in the store as no longer matching its hash', async () => {
    await w.paid();
    await freezeReport(w.deps, people.highApprover, campaign(), 'JX');
    const stored = w.state.frozenReports.get(`${campaign()}#JX`) as { report: { paid: number } };
    stored.report.paid = 7;
    expect((await frozenReport(w.deps, people.spcAdmin, campaign(), 'JX')).hashValid).toBe(false);
  });

  it('records the key with the frozen copy, and a replay gets the first response', async () => {
    const write = idempotencyFor<FrozenReport>(
      people.highApprover,
      'freezeReport',
      { code: 'JX' },
      'f-1',
      {},
    );
    const first = await freezeReport(w.deps, people.highApprover, campaign(), 'JX', write);
    const replay = (await refusal(
      freezeReport(w.deps, people.highApprover, campaign(), 'JX', write),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect(replay.record.response.body).toEqual(JSON.parse(JSON.stringify(first)));
  });
});

describe('putNarrative (取得的效果)', () => {
  const EFFECTS = '救助申请执行人十二名，化解信访隐患三件，群众满意度明显提升。';
  const jxRow = async (p: Principal = people.spcAdmin) =>
    (await campaignReport(w.deps, p, campaign())).byHighCourt.find((r) => r.highCourtCode === 'JX');

  it('records the high court’s narrative, shown in its report row; each version is kept as its own record', async () => {
    expect(await jxRow()).toMatchObject({ effects: null, effectsUpdatedAt: null, effectsVersion: 0 });
    const first = await putNarrative(w.deps, people.highApprover, campaign(), 'JX', { effects: EFFECTS });
    expect(first).toMatchObject({
      highCourtCode: 'JX',
      effects: EFFECTS,
      version: 1,
      updatedBy: people.highApprover.sub,
    });
    w.clock.advance(60_000);
    const second = await putNarrative(
      w.deps,
      people.spcAdmin,
      campaign(),
      'JX',
      { effects: `${EFFECTS}（修订）` },
      1,
    );
    expect(second.version).toBe(2);
    expect(await jxRow(people.highApprover)).toMatchObject({
      effects: `${EFFECTS}（修订）`,
      effectsUpdatedAt: second.updatedAt,
      effectsVersion: 2,
    });
    expect(second.updatedAt).not.toBe(first.updatedAt);
    expect(w.state.narratives.get(`${campaign()}#JX#v1`)).toMatchObject({
      effects: EFFECTS,
      actor: people.highApprover,
    });
    expect((await jxRow())?.byCourt).toEqual([]);
    expect(
      (await campaignReport(w.deps, people.spcAdmin, campaign())).byHighCourt.find(
        (r) => r.highCourtCode === 'BJ',
      )?.effects,
    ).toBeNull();
  });

  it('lets only that high court’s approvers and the SPC’s administrators write (403 ROLE_FORBIDDEN), changing nothing', async () => {
    for (const p of [
      people.highClerk,
      people.foreignApprover,
      people.midApprover,
      people.basicApprover,
      people.spcClerk,
    ])
      await refusedWithoutChange(w, () => putNarrative(w.deps, p, campaign(), 'JX', { effects: EFFECTS }), {
        code: 'ROLE_FORBIDDEN',
        status: 403,
      });
    await refusedWithoutChange(
      w,
      () => putNarrative(w.deps, people.spcAdmin, 'nope', 'JX', { effects: EFFECTS }),
      {
        code: 'NOT_FOUND',
        status: 404,
      },
    );
    await refusedWithoutChange(
      w,
      () => putNarrative(w.deps, people.spcAdmin, campaign(), 'JX01', { effects: EFFECTS }),
      {
        code: 'NOT_FOUND',
        status: 404,
      },
    );
  });

  it('refuses a stale If-Match (409 VERSION_CONFLICT) without writing', async () => {
    await putNarrative(w.deps, people.highApprover, campaign(), 'JX', { effects: EFFECTS });
    for (const stale of [0, 2])
      await refusedWithoutChange(
        w,
        () => putNarrative(w.deps, people.highApprover, campaign(), 'JX', { effects: '另一版本' }, stale),
        { code: 'VERSION_CONFLICT', status: 409 },
      );
  });

  it('carries the version in the report, so two saves from the same reading cannot both land: the second is refused (409 VERSION_CONFLICT) and the first stays', async () => {
    // Both read the report before any narrative existed (version 0) and save over it.
    const read = (await jxRow())?.effectsVersion;
    expect(read).toBe(0);
    const first = await putNarrative(
      w.deps,
      people.highApprover,
      campaign(),
      'JX',
      { effects: EFFECTS },
      read,
    );
    expect(first.version).toBe(1);
    await refusedWithoutChange(
      w,
      () => putNarrative(w.deps, people.spcAdmin, campaign(), 'JX', { effects: '另一人的版本' }, read),
      { code: 'VERSION_CONFLICT', status: 409 },
    );
    expect(await jxRow()).toMatchObject({ effects: EFFECTS, effectsVersion: 1 });
    // Read again, the second writer saves over the version it now sees.
    const again = await putNarrative(
      w.deps,
      people.spcAdmin,
      campaign(),
      'JX',
      { effects: '另一人的版本' },
      1,
    );
    expect([again.version, (await jxRow())?.effectsVersion]).toEqual([2, 2]);
  });

  it('is covered by the frozen copy’s hash: after freezing it is refused (409 REPORT_ALREADY_FROZEN) and the copy keeps it', async () => {
    await w.paid();
    await putNarrative(w.deps, people.highApprover, campaign(), 'JX', { effects: EFFECTS });
    const frozen = await freezeReport(w.deps, people.highApprover, campaign(), 'JX');
    expect(frozen.report).toMatchObject({
      effects: EFFECTS,
      byCourt: [expect.objectContaining({ courtCode: 'JX0102', paid: 1 })],
    });
    await refusedWithoutChange(
      w,
      () => putNarrative(w.deps, people.spcAdmin, campaign(), 'JX', { effects: '冻结后改写' }),
      { code: 'REPORT_ALREADY_FROZEN', status: 409 },
    );
    const read = await frozenReport(w.deps, people.spcAdmin, campaign(), 'JX');
    expect(read).toMatchObject({ hash: frozen.hash, hashValid: true, report: { effects: EFFECTS } });
    // the hash covers the narrative: the same copy with another narrative no longer verifies
    const stored = w.state.frozenReports.get(`${campaign()}#JX`) as { report: { effects: string } };
    stored.report.effects = '冻结后改写';
    expect((await frozenReport(w.deps, people.spcAdmin, campaign(), 'JX')).hashValid).toBe(false);
  });

  it('records the key with the narrative, and a replay gets the first response', async () => {
    const write = idempotencyFor<StoredNarrative>(
      people.highApprover,
      'putReportNarrative',
      { highCourtCode: 'JX' },
      'k-1',
      {
        effects: EFFECTS,
      },
    );
    const first = await putNarrative(
      w.deps,
      people.highApprover,
      campaign(),
      'JX',
      { effects: EFFECTS },
      undefined,
      write,
    );
    const replay = await refusal(
      putNarrative(w.deps, people.highApprover, campaign(), 'JX', { effects: EFFECTS }, undefined, write),
    );
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect((replay as IdempotencyReplay).record.response).toMatchObject({ status: 200, body: first });
    expect((await jxRow())?.effects).toBe(EFFECTS);
  });
});

describe('reportSummary (书面报告)', () => {
  it('gives the high court its own and the SPC any or the national one, with the campaign and when it was frozen', async () => {
    await w.paid();
    const own = await reportSummary(w.deps, people.highApprover, campaign(), 'JX');
    expect(own).toMatchObject({ campaign: { id: campaign() }, highCourtCode: 'JX', frozenAt: null });
    expect(own.report.byHighCourt.map((r) => r.highCourtCode)).toEqual(['JX']);
    const frozen = await freezeReport(w.deps, people.highApprover, campaign(), 'JX');
    expect((await reportSummary(w.deps, people.spcAdmin, campaign(), 'JX')).frozenAt).toBe(frozen.frozenAt);
    const national = await reportSummary(w.deps, people.spcAdmin, campaign());
    expect(national.highCourtCode).toBeUndefined();
    expect(national.report.byHighCourt).toHaveLength(QUOTA_HOLDER_CODES.length);
  });

  it('refuses the national report to a high court (403), another high court’s (404), courts below (403), unknown campaigns and courts (404)', async () => {
    expect((await refusal(reportSummary(w.deps, people.highApprover, campaign()))).code).toBe(
      'REPORT_NOT_VISIBLE',
    );
    expect((await refusal(reportSummary(w.deps, people.foreignApprover, campaign(), 'JX'))).status).toBe(404);
    expect((await refusal(reportSummary(w.deps, people.midApprover, campaign(), 'JX'))).code).toBe(
      'REPORT_NOT_VISIBLE',
    );
    expect((await refusal(reportSummary(w.deps, people.spcAdmin, 'nope', 'JX'))).status).toBe(404);
    expect((await refusal(reportSummary(w.deps, people.spcAdmin, campaign(), 'JX01'))).status).toBe(404);
  });
});
