import { beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationRecord } from '../../functions/ports/applications.ts';
import { applicationView } from '../../functions/usecases/applications.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { escalateOverdueAssetChecks } from '../../functions/usecases/escalate-overdue-asset-checks.ts';
import { listDue } from '../../functions/usecases/list-due.ts';
import { OVERDUE_SWEEP } from '../../functions/usecases/monitoring.ts';
import { recordAssetCheck } from '../../functions/usecases/record-asset-check.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { people, type World, world } from './world.ts';

/**
 * Issue 15 item 4: "an overdue check escalates to the executing court and its high court (audit +
 * operator metric)". The sweep reads the due index for checks whose due date has passed, escalates
 * each once per due date, in bounded runs that resume from a stored cursor. Clock injected: the case
 * is closed by a ruling of 2026-03-11, so its first check is due 2026-09-11 (Beijing).
 */
let w: World;
beforeEach(async () => {
  w = await world();
});

const ruling = { rulingNumber: '(2026)赣0102执恢1号', issuedAt: '2026-03-11' };
/** Beijing 10:00 on `day`. */
const at = (day: string) => w.clock.set(`${day}T02:00:00.000Z`);

async function closed() {
  const id = await w.paid();
  await closeApplication(w.deps, people.clerk, id, ruling);
  return id;
}

const overdueEntries = async (id: string) =>
  (await w.verifiedAudit(id)).filter((e) => e.action === 'asset-check.overdue');

const sweep = (options: { limit?: number; fromStart?: boolean } = {}) =>
  escalateOverdueAssetChecks(w.deps, options);

/** A copy of a closed case in another high court's partition (北京市朝阳区人民法院 → 北京市高级人民法院). */
async function closedInBeijing(from: string): Promise<string> {
  const source = (await w.repo.get(from)) as ApplicationRecord;
  const id = w.deps.newId();
  await w.repo.create(
    {
      ...structuredClone(source),
      id,
      courtCode: 'BJ0105',
      highCourtCode: 'BJ',
      ancestors: ['BJ01', 'BJ'],
      route: ['BJ0105', 'BJ01', 'BJ'],
      duplicateKey: `dup-${id}`,
      auditSeq: 0,
      auditHead: '',
      version: 1,
    },
    {
      actor: people.foreignClerk,
      action: 'application.created',
      fromStatus: null,
      toStatus: 'closed',
      detail: {},
    },
  );
  return id;
}

describe('overdue asset checks escalate (逾期未查)', () => {
  it('escalates nothing on the due date, and the day after writes one audit entry naming the executing court, its high court and the due date', async () => {
    const id = await closed();
    at('2026-09-11');
    // Due today is not overdue: the sweep does not even read it (due on or before yesterday only).
    expect(await sweep()).toMatchObject({ examined: 0, escalated: 0, passComplete: true });
    expect(await overdueEntries(id)).toEqual([]);

    at('2026-09-12');
    const result = await sweep();
    expect(result).toMatchObject({ examined: 1, escalated: 1, passComplete: true });
    const entries = await overdueEntries(id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { sub: 'system:monitoring', court: 'JX0102' },
      fromStatus: 'closed',
      toStatus: 'closed',
      detail: {
        due: '2026-09-11',
        executingCourt: { code: 'JX0102', name: '江西省南昌市东湖区人民法院' },
        highCourt: { code: 'JX', name: '江西省高级人民法院' },
        escalatedTo: ['JX0102', 'JX'],
      },
    });
    // The case and the monitoring list show when it was escalated.
    const escalatedAt = w.now().toISOString();
    const app = (await w.repo.get(id)) as ApplicationRecord;
    expect(applicationView(app, people.clerk)).toMatchObject({
      status: 'closed',
      nextAssetCheckDue: '2026-09-11',
      assetCheckEscalatedAt: escalatedAt,
    });
    const due = await listDue(w.deps, people.highClerk, { limit: 50 });
    expect(due.items.map((i) => [i.app.id, i.overdue, i.escalatedAt])).toEqual([[id, true, escalatedAt]]);
  });

  it('escalates exactly once per due date: a second run, the next day’s run and a fresh pass add nothing', async () => {
    const id = await closed();
    at('2026-09-12');
    await sweep();
    const after = await w.repo.get(id);
    expect(await sweep()).toMatchObject({ escalated: 0, outcomes: { 'escalated-before': 1 } });
    at('2026-09-13');
    expect(await sweep({ fromStart: true })).toMatchObject({ escalated: 0 });
    expect(await overdueEntries(id)).toHaveLength(1);
    // Not even the version moved: the second run wrote nothing.
    expect(await w.repo.get(id)).toEqual(after);
  });

  it('a check recorded late clears the escalation shown and schedules the next; that one escalates again once it passes', async () => {
    const id = await closed();
    at('2026-09-20');
    await sweep();
    const checked = await recordAssetCheck(w.deps, people.clerk, id, {
      checkedAt: '2026-09-20',
      method: 'network-inquiry',
      result: 'none-found',
      detail: '通过网络执行查控系统查询，未发现可供执行的财产。',
    });
    expect(applicationView(checked, people.clerk)).toMatchObject({
      nextAssetCheckDue: '2027-03-20',
      assetCheckEscalatedAt: null,
    });
    at('2027-03-20');
    expect(await sweep()).toMatchObject({ escalated: 0 });
    at('2027-03-21');
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect((await overdueEntries(id)).map((e) => e.detail.due)).toEqual(['2026-09-11', '2027-03-20']);
    expect((await w.repo.get(id))?.monitoring?.escalations?.map((e) => e.due)).toEqual([
      '2026-09-11',
      '2027-03-20',
    ]);
  });

  it('leaves cases that are not overdue or no longer relief-closed alone (resumed cases leave the due index)', async () => {
    const notDue = await closed();
    const resumed = await closed();
    at('2026-09-01');
    await resumeEnforcement(w.deps, people.clerk, resumed, {
      reason: 'assets-found',
      basis: '查询发现被执行人名下车辆',
      amountFen: 1_000,
    });
    // notDue: checked on 2026-09-01, due again 2027-03-01.
    await recordAssetCheck(w.deps, people.clerk, notDue, {
      checkedAt: '2026-09-01',
      method: 'network-inquiry',
      result: 'none-found',
      detail: '通过网络执行查控系统查询，未发现可供执行的财产。',
    });
    at('2026-12-01');
    expect(await sweep()).toMatchObject({ examined: 0, escalated: 0, passComplete: true });
    expect(await overdueEntries(notDue)).toEqual([]);
    expect(await overdueEntries(resumed)).toEqual([]);
  });

  it('runs in bounded pages across the high courts’ partitions, resuming from its stored cursor, each case once', async () => {
    const a = await closed();
    const b = await closed();
    const c = await closedInBeijing(a);
    at('2026-09-12');
    const runs = [];
    for (let i = 0; i < 10; i++) {
      const run = await sweep({ limit: 1 });
      runs.push(run);
      if (run.passComplete) break;
    }
    // One item per run; the last run ends the pass (it may find nothing after the last item).
    expect(runs.every((r) => r.examined <= 1)).toBe(true);
    expect(runs.at(-1)?.passComplete).toBe(true);
    expect(runs.slice(0, -1).every((r) => !r.passComplete)).toBe(true);
    expect(runs.reduce((n, r) => n + r.escalated, 0)).toBe(3);
    for (const id of [a, b, c]) expect(await overdueEntries(id), id).toHaveLength(1);
    expect((await overdueEntries(c))[0]?.detail).toMatchObject({
      executingCourt: { code: 'BJ0105', name: '北京市朝阳区人民法院' },
      highCourt: { code: 'BJ', name: '北京市高级人民法院' },
    });
    // The pass is complete: the next run starts over and finds every case escalated already.
    expect(await w.repo.getSweepCursor(OVERDUE_SWEEP)).toBeNull();
    expect(await sweep()).toMatchObject({ examined: 3, escalated: 0, passComplete: true });
  });

  it('starts a new pass when its stored cursor is unreadable', async () => {
    const id = await closed();
    at('2026-09-12');
    await w.repo.putSweepCursor(OVERDUE_SWEEP, 'not-a-cursor');
    expect(await sweep()).toMatchObject({ escalated: 1, passComplete: true });
    expect(await overdueEntries(id)).toHaveLength(1);
  });

  it('counts a case whose write fails as failed, escalates the others, and escalates it on a later pass', async () => {
    const failing = await closed();
    const other = await closed();
    at('2026-09-12');
    const update = w.repo.update.bind(w.repo);
    const flaky = {
      ...w.deps,
      repo: Object.assign(Object.create(w.repo), {
        update: (id: string, ...rest: unknown[]) =>
          id === failing
            ? Promise.reject(new Error('throttled'))
            : (update as (...a: unknown[]) => Promise<ApplicationRecord>)(id, ...rest),
      }),
    };
    const result = await escalateOverdueAssetChecks(flaky, {});
    expect(result).toMatchObject({ escalated: 1, outcomes: { escalated: 1, failed: 1 } });
    expect(await overdueEntries(failing)).toEqual([]);
    expect(await overdueEntries(other)).toHaveLength(1);
    expect(await sweep()).toMatchObject({ escalated: 1, outcomes: { 'escalated-before': 1, escalated: 1 } });
    expect(await overdueEntries(failing)).toHaveLength(1);
  });
});
