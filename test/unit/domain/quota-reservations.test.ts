import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abandonedReservation,
  type QuotaRow,
  RESERVATION_STALE_MS,
  reserveOnRow,
  settleOnRow,
  staleEntryVerdict,
} from '../../../functions/domain/quota.ts';
import { apiRoutes } from '../../../functions/http/routes.ts';

const row = (availableFen: number): QuotaRow => ({
  campaignId: 'c',
  highCourtCode: 'JX',
  allocatedFen: availableFen,
  reservedFen: 0,
  disbursedFen: 0,
  availableFen,
  version: 1,
  updatedAt: '2026-03-10T02:00:00.000Z',
});
const entry = (applicationId: string, amountFen: number, version = 3) => ({
  applicationId,
  version,
  amountFen,
  at: '2026-03-10T02:00:00.000Z',
});

describe('reservation entries on the quota row (domain/quota.ts)', () => {
  it('never overspends and keeps allocated = reserved + disbursed + available, reserved = Σ entries, whatever the order', () => {
    const op = fc.record({
      kind: fc.constantFrom('reserve', 'release', 'drop'),
      app: fc.integer({ min: 0, max: 5 }),
      amount: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.array(op, { maxLength: 40 }), (start, ops) => {
        let q = row(start);
        let droppedFen = 0;
        for (const o of ops) {
          const key = `A${o.app}#v3`;
          if (o.kind === 'reserve') {
            const out = reserveOnRow(q, key, entry(`A${o.app}`, o.amount));
            if (out === 'held') expect(q.reservations?.[key]).toBeDefined();
            else if (out === 'exceeded') expect(q.availableFen).toBeLessThan(o.amount);
            else q = out;
          } else {
            const amount = q.reservations?.[key]?.amountFen ?? 0;
            const out = settleOnRow(q, key, o.kind as 'release' | 'drop');
            if (out) {
              if (o.kind === 'drop') droppedFen += amount;
              q = out;
            } else expect(q.reservations?.[key]).toBeUndefined();
          }
          expect(q.availableFen).toBeGreaterThanOrEqual(0);
          expect(q.reservedFen + q.disbursedFen + q.availableFen).toBe(q.allocatedFen);
          const inEntries = Object.values(q.reservations ?? {}).reduce((s, e) => s + e.amountFen, 0);
          // A dropped entry's amount stays reserved (the application holds it).
          expect(q.reservedFen).toBe(inEntries + droppedFen);
        }
      }),
    );
  });

  it('judges an entry by the application as it stands', () => {
    const e = entry('A', 10, 3);
    expect(staleEntryVerdict('A#v3', e, { version: 4, quotaReservation: { key: 'A#v3' } })).toBe('drop');
    expect(staleEntryVerdict('A#v3', e, { version: 3, quotaReservation: null })).toBe('fence');
    expect(staleEntryVerdict('A#v3', e, { version: 4, quotaReservation: null })).toBe('release');
    expect(staleEntryVerdict('A#v3', e, undefined)).toBe('release');
    expect(abandonedReservation('A#v3', e, { version: 3 })).toBe(false);
    expect(abandonedReservation('A#v3', e, { version: 4, quotaReservation: { key: 'A#v3' } })).toBe(false);
    expect(abandonedReservation('A#v3', e, { version: 4, quotaReservation: { key: 'A#v4' } })).toBe(true);
  });

  it('counts an entry stale only after every request that could take one has timed out, twice over', () => {
    const reserving = apiRoutes
      .map((r) => r.spec)
      .filter((s) => (s.access?.table?.write ?? []).includes('QUOTA') && s.operationId.startsWith('decide'));
    expect(reserving.map((s) => s.operationId).sort()).toEqual(['decideApplication', 'decideBatch']);
    // Lambda's default in this project is 10 s (infra/constructs/relief-function.ts).
    for (const s of reserving)
      expect(2 * (s.timeoutSeconds ?? 10) * 1000).toBeLessThanOrEqual(RESERVATION_STALE_MS);
  });
});
