import { beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyReplay } from '../../functions/ports/idempotency.ts';
import { getReconciliation } from '../../functions/usecases/get-reconciliation.ts';
import { reconciliationView } from '../../functions/usecases/reconciliations.ts';
import { recordReconciliation } from '../../functions/usecases/record-reconciliation.ts';
import { idempotencyFor, people, refusal, refusedWithoutChange, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const csv = (rows: string[]) =>
  Buffer.from(`packageId,transactionRef,amountFen,paidAt\n${rows.join('\n')}\n`);

describe('recordReconciliation (对账)', () => {
  it('reconciles exactly: one missing, one unknown, one mismatched; stored with who, when and the statement hash', async () => {
    const paid = await w.paid();
    const mismatched = await w.paid();
    const missing = await w.dispatched();
    const pkg = async (id: string) => (await w.repo.get(id))?.payout?.packageId as string;
    const amount = async (id: string) => (await w.repo.get(id))?.reliefAmountFen as number;
    const statement = csv([
      `${await pkg(paid)},PICC-1,${await amount(paid)},2026-12-01`,
      `${await pkg(mismatched)},PICC-2,${(await amount(mismatched)) + 1},2026-12-01`,
      'PKG-UNKNOWN-1,PICC-3,100,2026-12-01',
    ]);
    const res = await recordReconciliation(w.deps, people.spcAdmin, w.campaign.id, statement);
    const rec = reconciliationView(res);
    expect(rec).toMatchObject({
      matched: 1,
      missingFromStatement: [
        { packageId: await pkg(missing), applicationId: missing, status: 'awaiting_payout' },
      ],
      unknownPackages: [{ row: 4, packageId: 'PKG-UNKNOWN-1' }],
      amountMismatches: [
        {
          row: 3,
          packageId: await pkg(mismatched),
          approvedFen: await amount(mismatched),
          statedFen: (await amount(mismatched)) + 1,
        },
      ],
      duplicates: [],
      recordedBy: { sub: people.spcAdmin.sub, court: 'SPC' },
      statement: { encoding: 'utf-8', sizeBytes: statement.length },
    });
    expect(await getReconciliation(w.deps, people.spcAdmin, w.campaign.id, rec.id)).toEqual(rec);
  });

  it('refuses a bad statement with 422 STATEMENT_INVALID naming row and column, storing nothing', async () => {
    const error = (await refusedWithoutChange(
      w,
      () => recordReconciliation(w.deps, people.spcAdmin, w.campaign.id, csv(['PKG-1,T,-100,2026-12-01'])),
      { code: 'STATEMENT_INVALID', status: 422 },
    )) as Error & { errors?: { code: string; path: string }[] };
    expect(error.errors).toEqual([
      expect.objectContaining({ code: 'NEGATIVE_AMOUNT', path: 'rows[2].amountFen' }),
    ]);
    expect(w.reconciliations.items.size).toBe(0);
  });

  it('refuses anyone but the SPC’s administrators (403) and an unknown campaign (404)', async () => {
    for (const p of [people.highApprover, people.clerk, { ...people.spcAdmin, roles: ['clerk' as const] }]) {
      expect((await refusal(recordReconciliation(w.deps, p, w.campaign.id, csv([])))).code).toBe(
        'ROLE_FORBIDDEN',
      );
    }
    expect((await refusal(recordReconciliation(w.deps, people.spcAdmin, 'nope', csv([])))).status).toBe(404);
    expect((await refusal(getReconciliation(w.deps, people.highApprover, w.campaign.id, 'x'))).status).toBe(
      403,
    );
    expect((await refusal(getReconciliation(w.deps, people.spcAdmin, w.campaign.id, 'x'))).status).toBe(404);
  });

  it('records the Idempotency-Key with the reconciliation; a second write with the key is a replay', async () => {
    const key = idempotencyFor(
      people.spcAdmin,
      'createReconciliation',
      { campaignId: w.campaign.id },
      'k',
      'csv',
    );
    const first = await recordReconciliation(w.deps, people.spcAdmin, w.campaign.id, csv([]), key);
    expect((await w.repo.getIdempotency(key.scope, key.key))?.response.body).toEqual(
      JSON.parse(JSON.stringify(first)),
    );
    expect(
      await refusal(recordReconciliation(w.deps, people.spcAdmin, w.campaign.id, csv([]), key)),
    ).toBeInstanceOf(IdempotencyReplay);
    expect(w.reconciliations.items.size).toBe(1);
  });
});
