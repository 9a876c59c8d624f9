import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../../functions/domain/audit-chain.ts';
import {
  applyQuotaMovement,
  nextAllocation,
  QuotaBelowCommittedError,
  type QuotaRow,
  quotaMovement,
} from '../../../functions/domain/quota.ts';

const actor = { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin'] };
const request = (allocatedFen: number, at = '2026-03-10T02:00:00.000Z') => ({
  campaignId: 'c-1',
  highCourtCode: 'JX',
  allocatedFen,
  at,
  audit: { actor, action: 'quota.allocated', detail: { note: 'x' } },
});

describe('nextAllocation (额度分配)', () => {
  it('starts a high court’s first row from nothing, with the first entry of its own chain', () => {
    const { next, entry } = nextAllocation(undefined, request(5_000));
    expect(next).toEqual({
      campaignId: 'c-1',
      highCourtCode: 'JX',
      allocatedFen: 5_000,
      reservedFen: 0,
      disbursedFen: 0,
      availableFen: 5_000,
      version: 1,
      updatedAt: '2026-03-10T02:00:00.000Z',
      auditSeq: 1,
      auditHead: entry.hash,
    });
    expect(entry).toMatchObject({
      seq: 1,
      prevHash: GENESIS_HASH,
      actor,
      action: 'quota.allocated',
      fromStatus: null,
      toStatus: null,
      detail: { note: 'x', fromAllocatedFen: 0, toAllocatedFen: 5_000 },
    });
    expect(verifyChain([entry], { head: { seq: 1, hash: next.auditHead as string } }).valid).toBe(true);
  });

  it('keeps what is reserved and disbursed, and available = allocated − reserved − disbursed, chaining every change', () => {
    const row: QuotaRow = {
      ...nextAllocation(undefined, request(5_000)).next,
      reservedFen: 1_000,
      disbursedFen: 1_500,
      availableFen: 2_500,
    };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2_500, max: 10_000_000 }), { minLength: 1, maxLength: 8 }),
        (amounts) => {
          let current = row;
          const entries = [nextAllocation(undefined, request(5_000)).entry];
          for (const amount of amounts) {
            const { next, entry } = nextAllocation(current, request(amount));
            expect(next).toMatchObject({
              allocatedFen: amount,
              reservedFen: 1_000,
              disbursedFen: 1_500,
              version: current.version + 1,
            });
            expect(next.availableFen).toBe(amount - 2_500);
            expect(entry.detail).toMatchObject({
              fromAllocatedFen: current.allocatedFen,
              toAllocatedFen: amount,
            });
            entries.push(entry);
            current = next;
          }
          expect(
            verifyChain(entries, {
              head: { seq: current.auditSeq as number, hash: current.auditHead as string },
            }).valid,
          ).toBe(true);
        },
      ),
    );
  });

  it('allows exactly reserved + disbursed (nothing left available)', () => {
    const row: QuotaRow = {
      ...nextAllocation(undefined, request(5_000)).next,
      reservedFen: 3_000,
      disbursedFen: 2_000,
      availableFen: 0,
    };
    expect(nextAllocation(row, request(5_000)).next.availableFen).toBe(0);
  });

  it('refuses an allocation below reserved + disbursed (QuotaBelowCommittedError), whatever the amounts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (reservedFen, disbursedFen, short) => {
          fc.pre(reservedFen + disbursedFen >= short);
          const row: QuotaRow = {
            ...nextAllocation(undefined, request(reservedFen + disbursedFen)).next,
            reservedFen,
            disbursedFen,
            availableFen: 0,
          };
          expect(() => nextAllocation(row, request(reservedFen + disbursedFen - short))).toThrow(
            QuotaBelowCommittedError,
          );
        },
      ),
    );
  });
});

describe('reservation arithmetic (applyQuotaMovement / quotaMovement), shared by both stores', () => {
  const row = { allocatedFen: 1_000, availableFen: 600, reservedFen: 300, disbursedFen: 100, version: 4 };
  const total = (r: typeof row) => r.availableFen + r.reservedFen + r.disbursedFen;

  it('reserve moves available → reserved, release reserved → available, commit reserved → disbursed', () => {
    expect(applyQuotaMovement(row, 'reserve', 200)).toEqual({
      ...row,
      availableFen: 400,
      reservedFen: 500,
      version: 5,
    });
    expect(applyQuotaMovement(row, 'release', 200)).toEqual({
      ...row,
      availableFen: 800,
      reservedFen: 100,
      version: 5,
    });
    expect(applyQuotaMovement(row, 'commit', 200)).toEqual({
      ...row,
      reservedFen: 100,
      disbursedFen: 300,
      version: 5,
    });
  });

  it('refuses (undefined) what the covering counter cannot hold, exactly at the boundary', () => {
    expect(applyQuotaMovement(row, 'reserve', 600)?.availableFen).toBe(0);
    expect(applyQuotaMovement(row, 'reserve', 601)).toBeUndefined();
    expect(applyQuotaMovement(row, 'release', 301)).toBeUndefined();
    expect(applyQuotaMovement(row, 'commit', 301)).toBeUndefined();
    expect(quotaMovement('reserve').covers).toBe('availableFen');
  });

  it('keeps allocated = available + reserved + disbursed and never goes below zero', () => {
    const op = fc.constantFrom('reserve' as const, 'release' as const, 'commit' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.integer({ min: 0, max: 700 })), { maxLength: 30 }), (steps) => {
        let r = row;
        for (const [o, a] of steps) r = applyQuotaMovement(r, o, a) ?? r;
        expect(total(r)).toBe(row.allocatedFen);
        for (const c of ['availableFen', 'reservedFen', 'disbursedFen'] as const)
          expect(r[c]).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
