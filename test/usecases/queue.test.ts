import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { DECISION_TIME_LIMIT_MS } from '../../functions/domain/approval-queue.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { queueEntryView } from '../../functions/usecases/applications.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { listApplications } from '../../functions/usecases/list-applications.ts';
import { people, refusal, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const queue = async (court: string, principal: Principal = people.basicApprover, limit = 50) => {
  const page = await listApplications(w.deps, principal, { pendingAt: court, limit });
  return page.items.map((a) => queueEntryView(a, principal, w.clock.now()));
};

describe('the approver’s queue (?pendingAt=)', () => {
  it('lists what waits at the court, oldest first, each with since when; it leaves once decided', async () => {
    const first = await w.submitted();
    const since = w.clock.now().toISOString();
    w.clock.advance(60_000);
    const second = await w.submitted();
    await w.create(); // a draft waits nowhere
    expect((await queue('JX0102')).map((a) => [a.id, a.waitingSince, a.overdue])).toEqual([
      [first, since, false],
      [second, expect.any(String), false],
    ]);
    w.clock.advance(60_000);
    await decideApplication(w.deps, people.basicApprover, first, { decision: 'approve', comment: '同意' });
    expect((await queue('JX0102')).map((a) => a.id)).toEqual([second]);
    // At the next level it waits since the decision that passed it up.
    const next = await queue('JX01', people.midApprover);
    expect(next.map((a) => [a.id, a.waitingSince])).toEqual([[first, w.clock.now().toISOString()]]);
    await decideApplication(w.deps, people.basicApprover, second, { decision: 'reject', comment: '驳回' });
    expect(await queue('JX0102')).toEqual([]);
  });

  it('is overdue only past the level’s 14-day limit, the one the workflow escalates at', async () => {
    const asl = JSON.parse(readFileSync('statemachines/relief-approval.asl.json', 'utf8')) as {
      States: Record<string, { TimeoutSeconds?: number }>;
    };
    expect(DECISION_TIME_LIMIT_MS).toBe((asl.States.AwaitDecision?.TimeoutSeconds ?? 0) * 1000);
    const id = await w.submitted();
    w.clock.advance(DECISION_TIME_LIMIT_MS);
    expect((await queue('JX0102'))[0]).toMatchObject({ id, overdue: false });
    w.clock.advance(1);
    expect((await queue('JX0102'))[0]).toMatchObject({ id, overdue: true });
  });

  it('pages oldest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await w.submitted());
      w.clock.advance(1000);
    }
    const first = await listApplications(w.deps, people.basicApprover, { pendingAt: 'JX0102', limit: 2 });
    const rest = await listApplications(w.deps, people.basicApprover, {
      pendingAt: 'JX0102',
      limit: 2,
      cursor: first.nextCursor as string,
    });
    expect([...first.items, ...rest.items].map((a) => a.id)).toEqual(ids);
  });

  it('shows a court only its own queue (the SPC any), and knows no unknown court', async () => {
    const id = await w.submitted();
    const refused = await refusal(
      listApplications(w.deps, people.midApprover, { pendingAt: 'JX0102', limit: 5 }),
    );
    expect(refused).toMatchObject({ status: 403, code: 'QUEUE_NOT_YOURS' });
    expect((await queue('JX0102', people.spcAdmin)).map((a) => a.id)).toEqual([id]);
    const unknown = await refusal(
      listApplications(w.deps, people.spcAdmin, { pendingAt: 'ZZ9999', limit: 5 }),
    );
    expect(unknown).toMatchObject({ status: 404 });
  });
});
