import { beforeEach, describe, expect, it } from 'vitest';
import { getPackageStatus } from '../../functions/usecases/get-package-status.ts';
import { packageIdOf } from '../../functions/usecases/payouts.ts';
import { redeliverPackage } from '../../functions/usecases/redeliver-package.ts';
import { refusal, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

describe('the insurer’s package query and redelivery', () => {
  it('answers a dispatched package’s status, then a paid one’s with its transactionRef', async () => {
    const id = await w.dispatched();
    const packageId = packageIdOf(id, 1);
    expect(await getPackageStatus(w.deps, packageId)).toMatchObject({
      packageId,
      approved: true,
      dispatched: true,
      paid: false,
      declined: false,
      transactionRef: null,
    });
    const paid = await w.paid();
    expect(await getPackageStatus(w.deps, packageIdOf(paid, 1))).toMatchObject({
      paid: true,
      transactionRef: `PICC-${paid}`,
      amountFen: (await w.repo.get(paid))?.reliefAmountFen,
    });
  });

  it('404 for an unknown package, another submission’s, or an application never approved', async () => {
    const draft = await w.create();
    const id = await w.dispatched();
    for (const p of ['nope', packageIdOf(id, 2), packageIdOf(draft, 1), `PKG-${'0'.repeat(26)}-1`]) {
      expect((await refusal(getPackageStatus(w.deps, p))).status).toBe(404);
    }
  });

  it('re-sends an awaited package (same packageId, audited as another dispatch); a paid one is 409', async () => {
    const id = await w.dispatched();
    const packageId = packageIdOf(id, 1);
    const sent = w.insurerClient.packages.length;
    expect(await redeliverPackage(w.deps, packageId)).toEqual({ packageId, redelivered: true });
    expect(w.insurerClient.packages.length).toBe(sent + 1);
    expect(w.insurerClient.packages.at(-1)?.packageId).toBe(packageId);
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({
      action: 'package.dispatched',
      detail: { packageId, attempt: 2 },
    });
    const paid = await w.paid();
    expect((await refusal(redeliverPackage(w.deps, packageIdOf(paid, 1)))).code).toBe(
      'PACKAGE_NOT_AWAITING_PAYOUT',
    );
  });
});
