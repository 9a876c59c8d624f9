import { beforeEach, describe, expect, it } from 'vitest';
import type { Debtor, TerminationChecklist } from '../../functions/domain/eligibility.ts';
import { applicationView } from '../../functions/usecases/applications.ts';
import { createApplication } from '../../functions/usecases/create-application.ts';
import { patchApplication } from '../../functions/usecases/patch-application.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { residentId } from '../support/applications.ts';
import { FORM, people, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world(); // T0 2026-03-10 (Beijing), the demo campaign
});

const PERSON: Debtor = {
  name: '李四',
  kind: 'natural',
  idType: 'resident-id',
  idNumber: residentId('360102', '19750101', '321'),
};
const COMPANY: Debtor = {
  name: '南昌某某建筑工程有限公司',
  kind: 'legal',
  idType: 'unified-social-credit-code',
  idNumber: '91110108551385082Q',
};
const done = (at: string) => ({ done: true, at });
const CHECKLIST: TerminationChecklist = {
  executionNoticeServed: done('2025-06-05'),
  propertyReportOrdered: done('2025-06-05'),
  consumptionRestricted: { done: true, reference: '（2025）赣0102执88号之一' },
  investigationExhausted: done('2025-09-10'),
  debtorSearchedOrSanctioned: done('2025-09-20'),
};

async function requireAll() {
  await w.deps.campaigns.put({ ...w.campaign, requireDebtor: true, requireTerminationChecklist: true });
}

function codesOf(error: unknown): string[] {
  return ((error as { errors?: { code: string }[] }).errors ?? []).map((e) => e.code);
}

describe('debtors and the termination checklist on createApplication', () => {
  it('stores the debtors canonicalised and the checklist as sent; a foreign reader sees a person’s ID masked, a company’s code in full', async () => {
    await requireAll();
    const facts = w.facts();
    const typed = { ...COMPANY, idNumber: ' 9111-0108 5513 8508 2q ' };
    const id = await w.create({
      ...facts,
      debtors: [PERSON, typed],
      case: {
        ...facts.case,
        filedAt: '2025-06-01',
        terminationConditions: { ...facts.case.terminationConditions, checklist: CHECKLIST },
      },
    });
    const app = await w.repo.get(id);
    expect(app?.debtors).toEqual([PERSON, COMPANY]);
    expect(app?.case.filedAt).toBe('2025-06-01');
    expect(app?.case.terminationConditions.checklist).toEqual(CHECKLIST);
    const seen = applicationView(app as NonNullable<typeof app>, people.highApprover).debtors;
    expect(seen?.[0]?.idNumber).toBe(`${PERSON.idNumber.slice(0, 6)}********${PERSON.idNumber.slice(14)}`);
    expect(seen?.[1]?.idNumber).toBe(COMPANY.idNumber);
  });

  it('keeps the 2018-style campaign working without debtors or checklist', async () => {
    const id = await w.create();
    expect((await w.repo.get(id))?.debtors).toBeUndefined();
  });

  it('refuses, changing nothing, an application without debtors or checklist in a campaign that requires them', async () => {
    await requireAll();
    const error = await refusedWithoutChange(w, () => createApplication(w.deps, people.clerk, w.facts()), {
      code: 'INELIGIBLE',
      status: 422,
    });
    expect(codesOf(error)).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET',
      'FILED_AT_REQUIRED',
      'TERMINATION_CHECKLIST_REQUIRED',
      'DEBTOR_REQUIRED',
    ]);
  });

  it('refuses an invalid credit code, a filedAt in the future and an item done without proof, each with its code', async () => {
    const facts = w.facts();
    const error = await refusedWithoutChange(
      w,
      () =>
        createApplication(w.deps, people.clerk, {
          ...facts,
          debtors: [{ ...COMPANY, idNumber: '91110108551385082R' }],
          case: {
            ...facts.case,
            filedAt: '2026-03-11',
            terminationConditions: {
              ...facts.case.terminationConditions,
              checklist: { ...CHECKLIST, propertyReportOrdered: { done: true } },
            },
          },
        }),
      { code: 'INELIGIBLE', status: 422 },
    );
    expect(codesOf(error)).toEqual([
      'FILED_AT_IN_FUTURE',
      'TERMINATION_PROOF_MISSING',
      'INVALID_CREDIT_CODE',
    ]);
  });

  it('refuses less than three months since filing, counted in Beijing dates', async () => {
    const facts = w.facts();
    // T0 is 2026-03-10 10:00 in Beijing: filed 2025-12-10 → three months end 2026-03-10 → not more.
    const error = await refusedWithoutChange(
      w,
      () =>
        createApplication(w.deps, people.clerk, { ...facts, case: { ...facts.case, filedAt: '2025-12-10' } }),
      { code: 'INELIGIBLE', status: 422 },
    );
    expect(codesOf(error)).toEqual(['TERMINATION_CONDITIONS_NOT_MET', 'FILED_LESS_THAN_THREE_MONTHS']);
    await w.create({ ...facts, case: { ...facts.case, filedAt: '2025-12-09' } });
  });

  it('patch: refuses a filedAt after the application was created, and keeps the debtors through an edit of another field', async () => {
    const facts = w.facts();
    const id = await w.create({ ...facts, debtors: [PERSON] });
    w.clock.set('2026-04-20T02:00:00.000Z');
    await refusedWithoutChange(
      w,
      () => patchApplication(w.deps, people.clerk, id, 1, { case: { ...facts.case, filedAt: '2026-03-15' } }),
      { code: 'INELIGIBLE', status: 422 },
    ).then((error) => expect(codesOf(error)).toEqual(['FILED_AT_AFTER_APPLICATION']));
    const patched = await patchApplication(w.deps, people.clerk, id, 1, {
      hardship: { statement: '生活困难，已失业。' },
    });
    expect(patched.debtors).toEqual([PERSON]);
  });

  it('submission re-checks the campaign’s requirement', async () => {
    const id = await w.ready();
    await requireAll();
    const error = await refusedWithoutChange(w, () => submitApplication(w.deps, people.clerk, id, FORM), {
      code: 'INELIGIBLE',
      status: 422,
    });
    expect(codesOf(error)).toContain('DEBTOR_REQUIRED');
  });
});
