import { beforeEach, describe, expect, it } from 'vitest';
import type { Measure } from '../../functions/domain/eligibility.ts';
import { applicationView, type CreateApplicationInput } from '../../functions/usecases/applications.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { getRuling } from '../../functions/usecases/get-ruling.ts';
import { liftMeasure } from '../../functions/usecases/lift-measure.ts';
import { recordRecovery } from '../../functions/usecases/record-recovery.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { people, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const MEASURES: Measure[] = [
  { kind: 'consumption-restriction', reference: '（2025）赣0102执88号之一', since: '2025-07-01' },
  { kind: 'property-freeze', reference: '（2025）赣0102执88号之二', since: '2025-07-03' },
];
const ruling = { rulingNumber: '(2026)赣0102执恢1号', issuedAt: '2026-03-11' };
const lift = (reference: string) => ({ reference, basis: '恢复执行后执行到位，解除措施。' });

function withMeasures(measures: Measure[] = MEASURES): CreateApplicationInput {
  const facts = w.facts();
  return { ...facts, case: { ...facts.case, measures } };
}

async function closed(input = withMeasures()) {
  const id = await w.paid(input);
  await closeApplication(w.deps, people.clerk, id, ruling);
  return id;
}

describe('measures after closure (三(一)2: restrictions stay)', () => {
  it('closure records the measures as still in force; restrictionsLifted false follows from them', async () => {
    const id = await closed();
    const app = await w.repo.get(id);
    expect(app?.closure).toMatchObject({ restrictionsLifted: false, measuresInForce: MEASURES });
    const view = applicationView(app as NonNullable<typeof app>, people.highApprover);
    expect(view.restrictionsLifted).toBe(false);
    expect(view.closure?.measuresInForce).toEqual(MEASURES);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'application.closed',
      detail: { restrictionsLifted: false, measuresInForce: MEASURES.map((m) => m.reference) },
    });
  });

  it('refuses to lift a measure of a relief-closed case with 409 RESTRICTIONS_MUST_REMAIN, changing nothing', async () => {
    const id = await closed();
    await refusedWithoutChange(
      w,
      () => liftMeasure(w.deps, people.clerk, id, lift(MEASURES[0]?.reference ?? '')),
      {
        code: 'RESTRICTIONS_MUST_REMAIN',
        status: 409,
      },
    );
  });

  it('refuses after resumption until the resumed amount is recovered, then lifts; restrictionsLifted once all are', async () => {
    const id = await closed();
    await resumeEnforcement(w.deps, people.clerk, id, {
      reason: 'assets-found',
      basis: '发现车辆',
      amountFen: 1_000_000,
    });
    const base = { receivedAt: '2026-03-20', reference: 'R-1' };
    await recordRecovery(w.deps, people.clerk, id, { ...base, amountFen: 999_999 });
    await refusedWithoutChange(
      w,
      () => liftMeasure(w.deps, people.clerk, id, lift(MEASURES[0]?.reference ?? '')),
      {
        code: 'RESTRICTIONS_MUST_REMAIN',
        status: 409,
      },
    );
    await recordRecovery(w.deps, people.clerk, id, { ...base, reference: 'R-2', amountFen: 1 });
    const first = await liftMeasure(w.deps, people.clerk, id, lift(MEASURES[0]?.reference ?? ''));
    expect(first.closure).toMatchObject({ restrictionsLifted: false, measuresInForce: [MEASURES[1]] });
    await refusedWithoutChange(
      w,
      () => liftMeasure(w.deps, people.clerk, id, lift(MEASURES[0]?.reference ?? '')),
      {
        code: 'MEASURE_ALREADY_LIFTED',
        status: 409,
      },
    );
    const second = await liftMeasure(w.deps, people.clerk, id, lift(MEASURES[1]?.reference ?? ''));
    expect(second.closure).toMatchObject({ restrictionsLifted: true, measuresInForce: [] });
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'measure.lifted',
      detail: { reference: MEASURES[1]?.reference, restrictionsLifted: true },
    });
  });

  it('refuses an unknown measure (422 UNKNOWN_MEASURE), a case not yet closed (409 INVALID_STATUS) and another court (404)', async () => {
    const id = await closed();
    await resumeEnforcement(w.deps, people.clerk, id, { reason: 'evasion', basis: '转移财产', amountFen: 1 });
    await recordRecovery(w.deps, people.clerk, id, {
      receivedAt: '2026-03-20',
      reference: 'R',
      amountFen: 1,
    });
    await refusedWithoutChange(w, () => liftMeasure(w.deps, people.clerk, id, lift('（2025）赣0102执99号')), {
      code: 'UNKNOWN_MEASURE',
      status: 422,
    });
    const paid = await w.paid(withMeasures());
    await refusedWithoutChange(
      w,
      () => liftMeasure(w.deps, people.clerk, paid, lift(MEASURES[0]?.reference ?? '')),
      {
        code: 'INVALID_STATUS',
        status: 409,
      },
    );
    await refusedWithoutChange(
      w,
      () => liftMeasure(w.deps, people.foreignClerk, id, lift(MEASURES[0]?.reference ?? '')),
      {
        code: 'NOT_FOUND',
        status: 404,
      },
    );
  });

  it('the ruling of a closed case names its debtor and the measures still in force', async () => {
    const input = withMeasures();
    const id = await closed({
      ...input,
      debtors: [{ name: '李四', kind: 'natural', idType: 'other', idNumber: 'E12345678' }],
    });
    const { ruling } = await getRuling(w.deps, people.clerk, id);
    expect(ruling.body).toContain('被执行人：李四。');
    expect(ruling.text).toContain(`限制消费（${MEASURES[0]?.reference}）`);
    expect(ruling.text).toContain(`冻结财产（${MEASURES[1]?.reference}）`);
    expect(ruling.text).not.toContain('E12345678');
  });

  it('a case closed without recorded measures has nothing lifted (restrictionsLifted false)', async () => {
    const id = await closed(w.facts());
    expect((await w.repo.get(id))?.closure).toMatchObject({ restrictionsLifted: false, measuresInForce: [] });
  });
});

describe('resumption names the debtor(s) (三.4)', () => {
  const DEBTOR = { name: '李四', kind: 'natural' as const, idType: 'other' as const, idNumber: 'E12345678' };
  const ground = { reason: 'assets-found' as const, basis: '查询发现被执行人名下车辆', amountFen: 1_000_000 };

  it('requires a debtor of the application when it names debtors, and records whom it resumes against', async () => {
    const id = await closed({ ...withMeasures(), debtors: [DEBTOR] });
    await refusedWithoutChange(w, () => resumeEnforcement(w.deps, people.clerk, id, ground), {
      code: 'RESUMPTION_DEBTOR_REQUIRED',
      status: 422,
    });
    await refusedWithoutChange(
      w,
      () => resumeEnforcement(w.deps, people.clerk, id, { ...ground, debtors: ['E99999999'] }),
      { code: 'UNKNOWN_DEBTOR', status: 422 },
    );
    const resumed = await resumeEnforcement(w.deps, people.clerk, id, {
      ...ground,
      debtors: [' e1234-5678 '],
    });
    expect(resumed.resumption?.debtors).toEqual(['E12345678']);
    expect(applicationView(resumed, people.highApprover).resumption?.debtors).toEqual(['李四']);
  });

  it('an application without recorded debtors (the 2018 data) resumes as before', async () => {
    const id = await closed();
    expect((await resumeEnforcement(w.deps, people.clerk, id, ground)).status).toBe('resumed');
  });
});
