import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/lib/auth.ts';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { loadVisible } from '../../functions/usecases/applications.ts';
import { createApplication } from '../../functions/usecases/create-application.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { listApplications } from '../../functions/usecases/list-applications.ts';
import { patchApplication } from '../../functions/usecases/patch-application.ts';
import { residentId } from '../support/applications.ts';
import { idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

describe('createApplication (创建救助申请)', () => {
  it('stores a draft with canonical ID numbers, its first audit entry and the system-wide duplicate lock', async () => {
    const facts = w.facts();
    const typed = `${facts.applicant.idNumber.slice(0, 6)} ${facts.applicant.idNumber.slice(6)}`;
    const created = await createApplication(w.deps, people.clerk, {
      ...facts,
      applicant: { ...facts.applicant, idNumber: typed },
    });
    const id = created.id;
    const app = await w.repo.get(id);
    expect(created).toMatchObject({ id: app?.id, status: 'draft', version: 1 });
    expect(app).toMatchObject({
      status: 'draft',
      version: 1,
      courtCode: 'JX0102',
      highCourtCode: 'JX',
      route: ['JX0102', 'JX01', 'JX'],
      ancestors: ['JX01', 'JX'],
      createdBy: people.clerk.sub,
    });
    expect(app?.applicant.idNumber).toBe(facts.applicant.idNumber);
    const [entry] = await w.verifiedAudit(id);
    expect(entry).toMatchObject({
      seq: 1,
      action: 'application.created',
      fromStatus: null,
      toStatus: 'draft',
    });
    expect(w.state.duplicateLocks.get(app?.duplicateKey as string)).toBe(id);
  });

  it('refuses a court that executes no cases (the SPC) with 403 COURT_CANNOT_EXECUTE', async () => {
    await refusedWithoutChange(w, () => createApplication(w.deps, people.spcClerk, w.facts()), {
      code: 'COURT_CANNOT_EXECUTE',
      status: 403,
    });
  });

  it('refuses an unknown campaign with 422 UNKNOWN_CAMPAIGN', async () => {
    await refusedWithoutChange(
      w,
      () => createApplication(w.deps, people.clerk, { ...w.facts(), campaignId: 'no-such-campaign' }),
      { code: 'UNKNOWN_CAMPAIGN', status: 422 },
    );
  });

  it('refuses applications before the preparation phase and after the handling phase (409 CAMPAIGN_NOT_OPEN)', async () => {
    w.clock.set(new Date(Date.parse(w.campaign.handling.end) + 1));
    await refusedWithoutChange(w, () => createApplication(w.deps, people.clerk, w.facts()), {
      code: 'CAMPAIGN_NOT_OPEN',
      status: 409,
    });
    w.clock.set(new Date(Date.parse(w.campaign.preparation.start) - 1));
    await refusedWithoutChange(w, () => createApplication(w.deps, people.clerk, w.facts()), {
      code: 'CAMPAIGN_NOT_OPEN',
      status: 409,
    });
  });

  it('refuses an ineligible application with 422 INELIGIBLE listing every failing condition, not only the first', async () => {
    const facts = w.facts();
    const error = await refusedWithoutChange(
      w,
      () =>
        createApplication(w.deps, people.clerk, {
          ...facts,
          case: { ...facts.case, kind: 'preservation', claimAmountFen: 20_000_000 },
          consentToTermination: false,
          priorJudicialRelief: true,
        }),
      { code: 'INELIGIBLE', status: 422 },
    );
    const codes = ((error as { errors?: { code: string }[] }).errors ?? []).map((e) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining(['PRESERVATION_CASE', 'AMOUNT_OVER_LIMIT', 'NO_CONSENT', 'PRIOR_RELIEF']),
    );
  });

  it('refuses a valid resident ID number sent as another document type (422 ID_TYPE_MISMATCH)', async () => {
    const facts = w.facts();
    await refusedWithoutChange(
      w,
      () =>
        createApplication(w.deps, people.clerk, {
          ...facts,
          applicant: { ...facts.applicant, idType: 'other' },
        }),
      { code: 'ID_TYPE_MISMATCH', status: 422 },
    );
  });

  it('refuses a second open application for the same case and person however the ID number is typed (409 DUPLICATE_APPLICATION)', async () => {
    const first = w.facts();
    await w.create(first);
    const id = first.applicant.idNumber;
    const fullWidth = id.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    await refusedWithoutChange(
      w,
      () =>
        createApplication(w.deps, people.otherClerk, {
          ...first,
          applicant: { ...first.applicant, idNumber: fullWidth },
          bankAccount: { ...first.bankAccount, holderIdNumber: `${id.slice(0, 9)}-${id.slice(9)}` },
        }),
      { code: 'DUPLICATE_APPLICATION', status: 409 },
    );
  });

  it('lets the same case and person apply again once the earlier application was rejected', async () => {
    const facts = w.facts();
    const first = await w.submitted(facts);
    await decideApplication(w.deps, people.basicApprover, first, {
      decision: 'reject',
      comment: '不符合条件',
    });
    const second = await w.create(facts);
    expect(second).not.toBe(first);
  });

  it('records the Idempotency-Key with the application, and a replay of the key gets the first response, creating nothing', async () => {
    const facts = w.facts();
    const write = idempotencyFor(people.clerk, 'createApplication', {}, 'create-1', facts);
    const first = await createApplication(w.deps, people.clerk, facts, write);
    const record = await w.repo.getIdempotency(write.scope, write.key);
    expect(record?.response.body).toEqual(JSON.parse(JSON.stringify(first)));
    expect(record?.requestHash).toBe(write.requestHash);

    const before = w.dump();
    const replay = await refusal(createApplication(w.deps, people.clerk, facts, write));
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect((replay as IdempotencyReplay).record.response.body).toEqual(JSON.parse(JSON.stringify(first)));
    expect(w.dump()).toEqual(before);
  });

  it('hands back the first request’s hash when a key is reused for another request (the route answers 422 IDEMPOTENCY_KEY_REUSED), creating nothing', async () => {
    const write = idempotencyFor(people.clerk, 'createApplication', {}, 'create-2', { n: 1 });
    await createApplication(w.deps, people.clerk, w.facts(), write);
    const other = w.facts();
    const before = w.dump();
    const replay = (await refusal(
      createApplication(
        w.deps,
        people.clerk,
        other,
        idempotencyFor(people.clerk, 'createApplication', {}, 'create-2', other),
      ),
    )) as IdempotencyReplay;
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect(replay.record.requestHash).toBe(write.requestHash);
    expect(w.dump()).toEqual(before);
  });

  it('records no key with a refusal, so a retry is judged afresh', async () => {
    const facts = w.facts();
    await w.create(facts);
    const write = idempotencyFor(people.otherClerk, 'createApplication', {}, 'create-3', facts);
    expect((await refusal(createApplication(w.deps, people.otherClerk, facts, write))).code).toBe(
      'DUPLICATE_APPLICATION',
    );
    expect(await w.repo.getIdempotency(write.scope, write.key)).toBeUndefined();
  });
});

describe('loadVisible', () => {
  it('shows an application to its court and the courts above it, and 404s it to any other court', async () => {
    const id = await w.create();
    for (const viewer of [people.clerk, people.midApprover, people.highApprover, people.spcAdmin])
      expect((await loadVisible(w.deps, viewer, id)).id).toBe(id);
    for (const viewer of [people.foreignClerk, people.foreignApprover])
      expect((await refusal(loadVisible(w.deps, viewer, id))).status).toBe(404);
    expect((await refusal(loadVisible(w.deps, people.clerk, '01NOSUCHAPPLICATION0000000'))).status).toBe(404);
  });
});

describe('patchApplication (修改申请)', () => {
  it('replaces whole fields, re-evaluates eligibility, bumps the version and audits the fields changed', async () => {
    const id = await w.create();
    const patched = await patchApplication(w.deps, people.clerk, id, 1, {
      hardship: { statement: '申请执行人患重病，无劳动能力。' },
    });
    expect(patched).toMatchObject({ version: 2, status: 'draft' });
    expect(patched.hardship.statement).toBe('申请执行人患重病，无劳动能力。');
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({ action: 'application.updated', detail: { fields: ['hardship'] } });
  });

  it('refuses a stale version with 409 VERSION_CONFLICT', async () => {
    const id = await w.create();
    await patchApplication(w.deps, people.clerk, id, 1, { hardship: { statement: '第一次修改。' } });
    await refusedWithoutChange(
      w,
      () => patchApplication(w.deps, people.clerk, id, 1, { hardship: { statement: '第二次修改。' } }),
      { code: 'VERSION_CONFLICT', status: 409 },
    );
  });

  it('refuses a writer that wins the race between the read and the write with 409 VERSION_CONFLICT', async () => {
    const id = await w.create();
    w.repo.faults.interleave(async () => {
      await patchApplication(w.deps, people.otherClerk, id, 1, { hardship: { statement: '抢先修改。' } });
    });
    const error = await refusal(
      patchApplication(w.deps, people.clerk, id, 1, { hardship: { statement: '后到的修改。' } }),
    );
    expect(error.code).toBe('VERSION_CONFLICT');
    expect((await w.repo.get(id))?.hardship.statement).toBe('抢先修改。');
  });

  it('refuses anyone but a clerk of the executing court: 403 ROLE_FORBIDDEN inside the jurisdiction, 404 outside', async () => {
    const id = await w.create();
    const patch = { hardship: { statement: '改。' } };
    for (const p of [people.basicApprover, people.highClerk])
      await refusedWithoutChange(w, () => patchApplication(w.deps, p, id, 1, patch), {
        code: 'ROLE_FORBIDDEN',
        status: 403,
      });
    await refusedWithoutChange(w, () => patchApplication(w.deps, people.foreignClerk, id, 1, patch), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('refuses to edit an application pending approval (409 INVALID_STATUS)', async () => {
    const id = await w.submitted();
    const app = await w.repo.get(id);
    await refusedWithoutChange(
      w,
      () =>
        patchApplication(w.deps, people.clerk, id, app?.version as number, {
          hardship: { statement: '改。' },
        }),
      { code: 'INVALID_STATUS', status: 409 },
    );
  });

  it('refuses a patch that makes the application ineligible (422 INELIGIBLE)', async () => {
    const id = await w.create();
    await refusedWithoutChange(
      w,
      () => patchApplication(w.deps, people.clerk, id, 1, { reliefAmountFen: 3_000_001 }),
      { code: 'INELIGIBLE', status: 422 },
    );
  });

  it('refuses a patch onto another open application’s case and person (409 DUPLICATE_APPLICATION)', async () => {
    const a = w.facts();
    await w.create(a);
    const b = w.facts({ idNumber: a.applicant.idNumber });
    const idB = await w.create(b);
    await refusedWithoutChange(w, () => patchApplication(w.deps, people.clerk, idB, 1, { case: a.case }), {
      code: 'DUPLICATE_APPLICATION',
      status: 409,
    });
  });

  it('moves the duplicate lock with the case: the old case and person are free again, the new one is taken', async () => {
    const b = w.facts();
    const idB = await w.create(b);
    const moved = w.facts({ idNumber: b.applicant.idNumber });
    await patchApplication(w.deps, people.clerk, idB, 1, { case: moved.case });
    expect(await w.create(b)).toBeTruthy();
    expect((await refusal(w.create(moved))).code).toBe('DUPLICATE_APPLICATION');
  });

  it('turns a returned application back into a draft and stops counting it as returned', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, { decision: 'return', comment: '补充材料' });
    expect((await w.counters()).returned).toBe(1);
    const app = await w.repo.get(id);
    const patched = await patchApplication(w.deps, people.clerk, id, app?.version as number, {
      hardship: { statement: '已补充困难证明。' },
    });
    expect(patched.status).toBe('draft');
    expect((await w.counters()).returned).toBe(0);
  });

  it('refuses edits once the campaign has closed (409 CAMPAIGN_NOT_OPEN)', async () => {
    const id = await w.create();
    w.clock.set(new Date(Date.parse(w.campaign.handling.end) + 1));
    await refusedWithoutChange(
      w,
      () => patchApplication(w.deps, people.clerk, id, 1, { hardship: { statement: '改。' } }),
      { code: 'CAMPAIGN_NOT_OPEN', status: 409 },
    );
  });

  it('records the key with the patch; a concurrent request with the same key that won the race is the answer, applied once', async () => {
    const id = await w.create();
    const patch = { hardship: { statement: '改一次。' } };
    const write = idempotencyFor(people.clerk, 'patchApplication', { id }, 'patch-1', patch);
    w.repo.faults.interleave(async () => {
      await patchApplication(w.deps, people.clerk, id, 1, patch, write);
    });
    const replay = await refusal(patchApplication(w.deps, people.clerk, id, 1, patch, write));
    expect(replay).toBeInstanceOf(IdempotencyReplay);
    expect((replay as IdempotencyReplay).record.response).toMatchObject({ status: 200 });
    expect((await w.repo.get(id))?.version).toBe(2);
    expect((await w.repo.listAudit(id)).filter((e) => e.action === 'application.updated')).toHaveLength(1);
  });
});

describe('listApplications', () => {
  const jx0202: Principal = { sub: 'clerk-jx0202', court: 'JX0202', roles: ['clerk'] };
  const jx02: Principal = { sub: 'approver-jx02', court: 'JX02', roles: ['approver'] };
  let own: string;
  let sibling: string;

  beforeEach(async () => {
    own = await w.create();
    w.clock.advance(1000);
    sibling = await w.create(
      w.facts({ caseNumber: '(2024)赣0202执5号', idNumber: residentId('360202', '19800101', '555') }),
      jx0202,
    );
  });

  const ids = async (p: Principal, input: Parameters<typeof listApplications>[2] = { limit: 50 }) =>
    (await listApplications(w.deps, p, input)).items.map((a) => a.id);

  it('scopes the list to the caller’s jurisdiction: own court, the courts below, the whole province, everything for the SPC', async () => {
    expect(await ids(people.clerk)).toEqual([own]);
    expect(await ids(people.midApprover)).toEqual([own]);
    expect(await ids(jx02)).toEqual([sibling]);
    expect(await ids(people.highApprover)).toEqual([sibling, own]);
    expect(await ids(people.spcAdmin, { limit: 50, campaignId: w.campaign.id })).toEqual([sibling, own]);
    expect(await ids(people.foreignApprover)).toEqual([]);
  });

  it('refuses the SPC a list without a campaign (422 CAMPAIGN_REQUIRED)', async () => {
    expect((await refusal(listApplications(w.deps, people.spcAdmin, { limit: 10 }))).code).toBe(
      'CAMPAIGN_REQUIRED',
    );
  });

  it('404s a court filter outside the caller’s jurisdiction, and 403s a token naming an unknown court', async () => {
    expect(
      (await refusal(listApplications(w.deps, people.clerk, { limit: 10, courtCode: 'JX0202' }))).status,
    ).toBe(404);
    expect(await ids(people.highApprover, { limit: 10, courtCode: 'JX0202' })).toEqual([sibling]);
    const unknown = { sub: 'x', court: 'ZZ99', roles: ['clerk'] } satisfies Principal;
    expect((await refusal(listApplications(w.deps, unknown, { limit: 10 }))).code).toBe('UNKNOWN_COURT');
  });

  it('pages newest first with a cursor, filters by status, and refuses a foreign or forged cursor (400 INVALID_CURSOR)', async () => {
    w.clock.advance(1000);
    const third = await w.create();
    const first = await listApplications(w.deps, people.highApprover, { limit: 2 });
    expect(first.items.map((a) => a.id)).toEqual([third, sibling]);
    expect(first.nextCursor).toBeTruthy();
    const second = await listApplications(w.deps, people.highApprover, {
      limit: 2,
      cursor: first.nextCursor as string,
    });
    expect(second.items.map((a) => a.id)).toEqual([own]);
    expect(second.nextCursor).toBeNull();
    expect(await ids(people.highApprover, { limit: 10, status: 'pending_approval' })).toEqual([]);
    for (const cursor of [first.nextCursor as string, 'not-a-cursor']) {
      const error = await refusal(listApplications(w.deps, people.clerk, { limit: 2, cursor }));
      expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
    }
  });
});
