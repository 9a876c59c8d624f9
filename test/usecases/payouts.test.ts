import { beforeEach, describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES } from '../../functions/ports/applications.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../functions/usecases/dispatch-package.ts';
import { handleInsurerEvent } from '../../functions/usecases/handle-insurer-event.ts';
import { type InsurerEvent, packageIdOf } from '../../functions/usecases/payouts.ts';
import { people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const dispatch = (id: string, submissionSeq = 1) =>
  dispatchPackage(w.deps, { applicationId: id, submissionSeq, taskToken: `pay-${id}` });

const paid = (id: string, over: Partial<InsurerEvent> = {}): InsurerEvent => ({
  id: `evt-${id}`,
  type: 'payout.succeeded',
  packageId: packageIdOf(id, 1),
  amountFen: 3_000_000,
  paidAt: '2026-03-10T10:00:00+08:00',
  transactionRef: 'PICC-0001',
  ...over,
});

describe('dispatchPackage (发放)', () => {
  it('sends the insurer exactly what the high court approved, with canonical ID numbers and every level’s decision', async () => {
    const id = await w.approved();
    expect(await dispatch(id)).toEqual({ dispatched: true, packageId: packageIdOf(id, 1) });
    const [pkg] = w.insurerClient.packages;
    const app = await w.repo.get(id);
    const approvedSet = app?.decisions?.find((d) => d.outcome === 'approved')?.documents ?? [];
    expect(pkg?.documents.map((d) => [d.type, d.sha256])).toEqual(approvedSet.map((d) => [d.type, d.sha256]));
    expect(pkg?.documents.map((d) => d.type)).toEqual([...DOCUMENT_TYPES]);
    expect(pkg?.approvals.map((a) => [a.court, a.decision])).toEqual([
      ['JX0102', 'approve'],
      ['JX01', 'approve'],
      ['JX', 'approve'],
    ]);
    expect(pkg?.applicant.idNumber).toBe(app?.applicant.idNumber);
    expect(pkg?.approvalForm).toEqual(app?.submission?.approvalForm);
    expect(app?.payout).toMatchObject({ packageId: packageIdOf(id, 1), taskToken: `pay-${id}`, attempts: 1 });
    const entries = await w.verifiedAudit(id);
    expect(entries.at(-1)).toMatchObject({
      action: 'package.dispatched',
      actor: { sub: 'system:disbursement' },
    });
  });

  it('sends the same package again on a retry, counting the attempts', async () => {
    const id = await w.approved();
    await dispatch(id);
    await dispatch(id);
    expect(w.insurerClient.packages.map((p) => p.packageId)).toEqual([
      packageIdOf(id, 1),
      packageIdOf(id, 1),
    ]);
    expect((await w.repo.get(id))?.payout?.attempts).toBe(2);
  });

  it('fails as InsurerUnavailable when the insurer does not answer, so the workflow retries', async () => {
    const id = await w.approved();
    w.insurerClient.unavailable = 1;
    await expect(dispatch(id)).rejects.toMatchObject({ name: 'InsurerUnavailable' });
    expect(w.insurerClient.packages).toEqual([]);
    await dispatch(id);
    expect(w.insurerClient.packages).toHaveLength(1);
  });

  it('withholds the package when an approved object changed or vanished, keeping the quota reserved', async () => {
    const id = await w.approved();
    const docs = await w.repo.listDocuments(id);
    const changed = docs.find((d) => d.type === 'bank-account');
    const missing = docs.find((d) => d.type === 'identity');
    w.storage.putObject(changed?.s3Key as string, 'another account', 'application/pdf');
    w.storage.deleteObject(missing?.s3Key as string);
    await expect(dispatch(id)).rejects.toMatchObject({ name: 'EvidenceMismatch' });
    expect(w.insurerClient.packages).toEqual([]);
    const app = await w.repo.get(id);
    expect(app?.status).toBe('awaiting_payout');
    expect(app?.integrityHold?.documents.map((d) => [d.type, d.problem])).toEqual([
      ['identity', 'OBJECT_MISSING'],
      ['bank-account', 'OBJECT_CHANGED'],
    ]);
    expect((await w.quota())?.reservedFen).toBe(3_000_000);
    expect((await w.verifiedAudit(id)).at(-1)?.action).toBe('package.withheld');
  });

  it('refuses a superseded submission, and answers at once for a payout already settled', async () => {
    const id = await w.paid();
    await expect(dispatch(id, 2)).rejects.toMatchObject({ name: 'Superseded' });
    const sent = w.insurerClient.packages.length;
    expect(
      await dispatchPackage(w.deps, { applicationId: id, submissionSeq: 1, taskToken: 'resend' }),
    ).toEqual({ dispatched: false, packageId: packageIdOf(id, 1) });
    expect(w.workflow.outputFor('resend')).toEqual({ outcome: 'paid' });
    expect(w.insurerClient.packages).toHaveLength(sent);
  });
});

describe('handleInsurerEvent (the insurer webhook)', () => {
  it('records a payout: paid, quota committed, counters moved, the workflow told, in one change', async () => {
    const id = await w.dispatched();
    const quotaBefore = await w.quota();
    expect(await handleInsurerEvent(w.deps, paid(id))).toEqual({ received: true, status: 'paid' });
    const app = await w.repo.get(id);
    expect(app).toMatchObject({
      status: 'paid',
      payout: { transactionRef: 'PICC-0001', amountFen: 3_000_000, settledEventId: `evt-${id}` },
      quotaReservation: { state: 'committed' },
    });
    expect(await w.quota()).toMatchObject({
      reservedFen: (quotaBefore?.reservedFen ?? 0) - 3_000_000,
      disbursedFen: (quotaBefore?.disbursedFen ?? 0) + 3_000_000,
      availableFen: quotaBefore?.availableFen,
    });
    expect(await w.counters()).toMatchObject({
      paid: 1,
      pending: 0,
      amountFen: 3_000_000,
      insurerConfirmedFen: 3_000_000,
      cases: 1,
      persons: 1,
      'cat:labor-remuneration:paid': 1,
    });
    // The webhook answered before the workflow heard: the hand-off follows from the outbox item.
    expect(w.workflow.outputFor(`pay-${id}`)).toBeUndefined();
    expect(await w.handOffAll()).toEqual(['sent']);
    expect(w.workflow.outputFor(`pay-${id}`)).toEqual({ outcome: 'paid' });
    // Only the decisions wait (this world never records their tokens); the payout's delivery is done.
    expect((await w.repo.listOutbox(10)).map((o) => o.kind)).not.toContain('deliver-payout');
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'payout.succeeded',
      actor: { sub: 'insurer:picc' },
    });
  });

  it('applies an event id once, however often and however concurrently it is delivered', async () => {
    const id = await w.dispatched();
    const results = await Promise.all([1, 2, 3].map(() => handleInsurerEvent(w.deps, paid(id))));
    expect(results.filter((r) => 'duplicate' in r)).toHaveLength(2);
    const before = w.dump();
    expect(await handleInsurerEvent(w.deps, paid(id))).toEqual({ received: true, duplicate: true });
    expect(w.dump()).toEqual(before);
    expect((await w.counters()).paid).toBe(1);
    expect((await w.quota())?.disbursedFen).toBe(3_000_000);
  });

  it('reads no event mark before a first delivery takes effect, and still answers a repeat as a duplicate', async () => {
    const id = await w.dispatched();
    let markReads = 0;
    const { hasInsurerEvent } = w.repo;
    w.repo.hasInsurerEvent = (eventId: string) => {
      markReads++;
      return hasInsurerEvent.call(w.repo, eventId);
    };
    expect(await handleInsurerEvent(w.deps, paid(id))).toEqual({ received: true, status: 'paid' });
    expect(markReads).toBe(0);
    // The package no longer waits under this id: the event it already took is a duplicate, not a 404.
    await w.repo.update(id, (current) => ({
      next: { ...current, payout: { ...current.payout, packageId: `${packageIdOf(id, 1)}-later` } as never },
      audit: { actor: people.clerk, action: 'test.moved', fromStatus: null, toStatus: null, detail: {} },
    }));
    const before = w.dump();
    expect(await handleInsurerEvent(w.deps, paid(id))).toEqual({ received: true, duplicate: true });
    expect(w.dump()).toEqual(before);
  });

  it('404s an event for a package that does not wait for a payout', async () => {
    const id = await w.approved();
    await refusedWithoutChange(w, () => handleInsurerEvent(w.deps, paid(id)), {
      code: 'NOT_FOUND',
      status: 404,
    });
    await refusedWithoutChange(w, () => handleInsurerEvent(w.deps, paid(id, { packageId: 'PKG-nonsense' })), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('flags and refuses a payout of another amount than approved (422 AMOUNT_MISMATCH); the same event again is a duplicate', async () => {
    const id = await w.dispatched();
    const error = await refusal(handleInsurerEvent(w.deps, paid(id, { amountFen: 2_999_999 })));
    expect({ status: error.status, code: error.code }).toEqual({ status: 422, code: 'AMOUNT_MISMATCH' });
    const app = await w.repo.get(id);
    expect(app?.status).toBe('awaiting_payout');
    expect(app?.payoutFlags).toMatchObject([
      { code: 'AMOUNT_MISMATCH', eventId: `evt-${id}`, amountFen: 2_999_999 },
    ]);
    expect((await w.quota())?.disbursedFen).toBe(0);
    expect(await handleInsurerEvent(w.deps, paid(id, { amountFen: 2_999_999 }))).toEqual({
      received: true,
      duplicate: true,
    });
  });

  it('refuses a success without transactionRef or paidAt (422 PAYOUT_INCOMPLETE), changing nothing', async () => {
    const id = await w.dispatched();
    await refusedWithoutChange(w, () => handleInsurerEvent(w.deps, paid(id, { transactionRef: undefined })), {
      code: 'PAYOUT_INCOMPLETE',
      status: 422,
    });
  });

  it('flags and refuses a second outcome for a settled package (409 PACKAGE_NOT_AWAITING_PAYOUT)', async () => {
    const id = await w.paid();
    const error = await refusal(
      handleInsurerEvent(w.deps, {
        id: 'evt-late-decline',
        type: 'payout.declined',
        packageId: packageIdOf(id, 1),
      }),
    );
    expect({ status: error.status, code: error.code }).toEqual({
      status: 409,
      code: 'PACKAGE_NOT_AWAITING_PAYOUT',
    });
    const app = await w.repo.get(id);
    expect(app?.status).toBe('paid');
    expect(app?.payoutFlags?.map((f) => f.code)).toEqual(['PACKAGE_NOT_AWAITING_PAYOUT']);
  });

  it('records a decline: the reserved quota is released and the case and person may apply again', async () => {
    const facts = w.facts();
    const id = await w.dispatched(facts);
    const available = (await w.quota())?.availableFen ?? 0;
    await handleInsurerEvent(w.deps, {
      id: 'evt-decline',
      type: 'payout.declined',
      packageId: packageIdOf(id, 1),
      reason: '账户信息不符',
    });
    expect(await w.repo.get(id)).toMatchObject({
      status: 'declined',
      payout: { declinedReason: '账户信息不符' },
      quotaReservation: { state: 'released' },
    });
    expect(await w.quota()).toMatchObject({ reservedFen: 0, availableFen: available + 3_000_000 });
    expect(await w.counters()).toMatchObject({ declined: 1, pending: 0 });
    await w.handOffAll();
    expect(w.workflow.outputFor(`pay-${id}`)).toEqual({ outcome: 'declined' });
    expect(await w.create(facts)).not.toBe(id);
  });

  it('counts distinct cases and persons: two applicants of one case are one case, one person in two cases one person', async () => {
    const a = w.facts();
    const b = w.facts({ caseNumber: a.case.caseNumber });
    const c = w.facts({ idNumber: a.applicant.idNumber });
    for (const facts of [a, b, c]) await w.paid(facts);
    expect(await w.counters()).toMatchObject({ paid: 3, cases: 2, persons: 2, amountFen: 9_000_000 });
  });

  it('keeps the quota exact when an approval races a decline of the same high court', async () => {
    w = await world({ quotaFen: 3_000_000 });
    const declined = await w.dispatched();
    const waiting = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, waiting, { decision: 'approve', comment: '同意' });
    await decideApplication(w.deps, people.midApprover, waiting, { decision: 'approve', comment: '同意' });
    const [approval] = await Promise.allSettled([
      decideApplication(w.deps, people.highApprover, waiting, { decision: 'approve', comment: '同意' }),
      handleInsurerEvent(w.deps, {
        id: 'evt-d',
        type: 'payout.declined',
        packageId: packageIdOf(declined, 1),
      }),
    ]);
    const quota = await w.quota();
    expect(quota?.reservedFen).toBe(approval.status === 'fulfilled' ? 3_000_000 : 0);
    expect(quota?.availableFen).toBe(3_000_000 - (quota?.reservedFen ?? 0));
  });
});
