import { describe, expect, it } from 'vitest';
import { dynamoItemSize } from '../../bench/lib/item-size.ts';
import { storedApplicationItems } from '../../functions/adapters/dynamodb/applications.ts';
import { idempotencyPut } from '../../functions/adapters/dynamodb/idempotency.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../functions/usecases/dispatch-package.ts';
import { handleInsurerEvent } from '../../functions/usecases/handle-insurer-event.ts';
import { packageIdOf } from '../../functions/usecases/payouts.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { FORM, idempotencyFor, people, ROUTE_APPROVERS, type World, world } from './world.ts';

/**
 * What each stage of a case leaves stored, sized by DynamoDB's rules (bench/lib/item-size.ts) on the
 * items as the DynamoDB adapter writes them (storedApplicationItems): the application item, the audit
 * entry the stage wrote, its outbox items and its idempotency record. The table is printed with
 * ITEM_SIZES=1; the bounds below keep the application item from growing back.
 */
async function sizes(w: World, id: string, stage: string, idemKey?: string) {
  const app = await w.repo.get(id);
  if (!app) throw new Error('no application');
  const trail = await w.repo.readTrail(id);
  const outbox = (await w.repo.listOutbox(1000)).filter((o) => o.applicationId === id);
  const [appItem, , ...rest] = storedApplicationItems('relief', {
    app,
    documents: [],
    audit: trail.application.slice(-1),
    outbox,
  });
  const audit = rest.find((i) => i.entity === 'audit');
  const outboxItems = rest.filter((i) => i.entity === 'outbox');
  const idem = idemKey ? [...w.state.idempotency.values()].find((r) => r.key === idemKey) : undefined;
  const idemItem = idem
    ? idempotencyPut('relief', { ...idem, respond: () => idem.response }, undefined, new Date()).Put?.Item
    : undefined;
  return {
    stage,
    application: dynamoItemSize(appItem as Record<string, unknown>),
    audit: audit ? dynamoItemSize(audit) : 0,
    outbox: outboxItems.map((o) => dynamoItemSize(o)).join('+') || '-',
    idempotency: idemItem ? dynamoItemSize(idemItem) : '-',
  };
}

describe('stored item sizes through a case (DynamoDB item size rules)', () => {
  it('keeps the application item, its audit entries, outbox and idempotency records within bounds', async () => {
    const w = await world();
    const rows = [];
    const id = await w.create();
    rows.push(await sizes(w, id, 'draft'));
    await w.uploadAll(id);
    rows.push(await sizes(w, id, 'documents'));
    const submit = idempotencyFor(people.clerk, 'submitApplication', { id }, 'k-submit', FORM, (r) => ({
      status: 202,
      body: r,
      headers: {},
    }));
    await submitApplication(w.deps, people.clerk, id, FORM, submit as never);
    rows.push(await sizes(w, id, 'submitted', 'k-submit'));
    for (const [i, approver] of ROUTE_APPROVERS.entries()) {
      const body = { decision: 'approve' as const, comment: '同意' };
      const key = `k-decide-${i}`;
      await decideApplication(
        w.deps,
        approver,
        id,
        body,
        idempotencyFor(approver, 'decideApplication', { id }, key, body),
      );
      rows.push(await sizes(w, id, `decision ${i + 1}`, key));
    }
    await dispatchPackage(w.deps, { applicationId: id, submissionSeq: 1, taskToken: `pay-${id}` });
    rows.push(await sizes(w, id, 'dispatched'));
    const app = await w.repo.get(id);
    await handleInsurerEvent(w.deps, {
      id: `evt-paid-${id}`,
      type: 'payout.succeeded',
      packageId: packageIdOf(id, 1),
      amountFen: app?.reliefAmountFen as number,
      paidAt: w.now().toISOString(),
      transactionRef: `PICC-${id}`,
    });
    rows.push(await sizes(w, id, 'paid'));
    const ruling = { rulingNumber: '(2026)赣0102执恢1号', issuedAt: '2026-03-11' };
    await closeApplication(
      w.deps,
      people.clerk,
      id,
      ruling,
      idempotencyFor(people.clerk, 'closeApplication', { id }, 'k-close', ruling),
    );
    rows.push(await sizes(w, id, 'closed', 'k-close'));
    if (process.env.ITEM_SIZES) console.table(rows);
    // Three approvals, one evidence set on the item (the submission's): within 4 KB (it was 5.3 KB when
    // every decision carried its own copy), so a transactional Put of it costs at most 8 WRU.
    const final = rows.find((r) => r.stage === 'decision 3');
    expect(final?.application).toBeLessThan(4096);
    expect(Math.max(...rows.map((r) => r.application))).toBeLessThan(4096);
    // A decision's key record (its answer carries the evidence set) stays within one KB compressed.
    expect(final?.idempotency).toBeLessThan(1024);
  });
});
