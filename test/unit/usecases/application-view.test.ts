import { describe, expect, it } from 'vitest';
import { Application } from '../../../functions/http/schemas.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import type { ApplicationRecord } from '../../../functions/ports/applications.ts';
import { applicationView } from '../../../functions/usecases/applications.ts';

/**
 * The facts after approval (payout, closure, resumption, recoveries) on the Application resource
 * (api-contract "The Application resource also carries, once they exist"): mapped from the stored
 * record, null until they exist, and valid for the served schema.
 */

const clerk: Principal = { sub: 'clerk-1', court: 'BJ0105', roles: ['clerk'] };
const spc: Principal = { sub: 'spc-1', court: 'SPC', roles: ['spc-admin'] };

function draft(): ApplicationRecord {
  const at = '2024-06-01T00:00:00.000Z';
  return {
    id: '01JABCDEFGHJKMNPQRSTVWXYZA',
    campaignId: 'demo',
    courtCode: 'BJ0105',
    highCourtCode: 'BJ',
    status: 'draft',
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: 'clerk-1',
    case: {
      caseNumber: '(2024)京0105执1号',
      category: 'labor-remuneration',
      kind: 'enforcement',
      claimAmountFen: 300_000,
      concluded: false,
      terminationConditions: { met: true, basis: '无财产' },
    },
    applicant: { name: '张三', idType: 'resident-id', idNumber: '110105198001011234' },
    hardship: { statement: '困难' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: 300_000,
    bankAccount: {
      bankName: '银行',
      holderName: '张三',
      holderIdNumber: '110105198001011234',
      accountNumber: '6222081234561234',
    },
    eligibility: { eligible: true, failures: [] },
    duplicateKey: 'k',
    route: ['BJ0105', 'BJ'],
    pendingAt: null,
    ancestors: ['BJ03', 'BJ'],
    auditSeq: 1,
    auditHead: 'h',
  };
}

function paid(): ApplicationRecord {
  return {
    ...draft(),
    status: 'paid',
    payout: {
      packageId: 'pkg-secret-id',
      taskToken: 'secret-payout-token',
      dispatchedAt: '2024-06-02T00:00:00.000Z',
      attempts: 1,
      settledEventId: 'evt-1',
      transactionRef: 'PICC202406030000000001',
      paidAt: '2024-06-03T10:00:00+08:00',
      amountFen: 300_000,
    },
  };
}

function closed(restrictionsLifted: boolean): ApplicationRecord {
  return {
    ...paid(),
    status: 'closed',
    closure: {
      rulingNumber: '(2024)京0105执恢1号',
      issuedAt: '2024-06-04',
      closingReason: 'the stored closing reason',
      restrictionsLifted,
      closedAt: '2024-06-04T02:00:00.000Z',
      closedBy: 'clerk-1',
    },
  };
}

describe('applicationView: facts after approval', () => {
  it('are all null on a draft (present, never omitted)', () => {
    const view = applicationView(draft(), clerk);
    expect(view).toMatchObject({
      withdrawal: null,
      payout: null,
      closure: null,
      closingReason: null,
      restrictionsLifted: null,
      resumption: null,
      recoveredFen: null,
    });
  });

  it('show no payout while the package awaits the insurer (dispatch is not payment)', () => {
    const awaiting = { ...paid(), status: 'awaiting_payout' as const };
    awaiting.payout = { packageId: 'p', taskToken: 't', dispatchedAt: '2024-06-02T00:00:00Z', attempts: 1 };
    expect(applicationView(awaiting, clerk).payout).toBeNull();
  });

  it('show the confirmed payout: amount, time and transaction reference, nothing internal', () => {
    const view = applicationView(paid(), spc);
    expect(view.payout).toEqual({
      amountFen: 300_000,
      paidAt: '2024-06-03T10:00:00+08:00',
      transactionRef: 'PICC202406030000000001',
    });
    const text = JSON.stringify(view);
    expect(text).not.toContain('secret-payout-token');
    expect(text).not.toContain('pkg-secret-id');
  });

  it('read closingReason and restrictionsLifted from the stored closure record, whatever it says', () => {
    for (const lifted of [false, true]) {
      const view = applicationView(closed(lifted), clerk);
      expect(view.closure).toEqual({
        rulingNumber: '(2024)京0105执恢1号',
        issuedAt: '2024-06-04',
        closingReason: 'the stored closing reason',
        restrictionsLifted: lifted,
        closedAt: '2024-06-04T02:00:00.000Z',
        closedBy: 'clerk-1',
      });
      expect(view.closingReason).toBe('the stored closing reason');
      expect(view.restrictionsLifted).toBe(lifted);
    }
  });

  it('show the resumption (with its time as `at`) and the total recovered', () => {
    const resumed: ApplicationRecord = {
      ...closed(false),
      status: 'resumed',
      resumption: {
        reason: 'evasion',
        basis: '被执行人转移财产',
        amountFen: 100_000,
        resumedAt: '2024-07-01T00:00:00.000Z',
        resumedBy: 'clerk-2',
      },
      recoveredFen: 40_000,
    };
    const view = applicationView(resumed, spc);
    expect(view.resumption).toEqual({
      reason: 'evasion',
      basis: '被执行人转移财产',
      amountFen: 100_000,
      at: '2024-07-01T00:00:00.000Z',
      resumedBy: 'clerk-2',
    });
    expect(view.recoveredFen).toBe(40_000);
    expect(view.payout?.transactionRef).toBe('PICC202406030000000001');
  });

  it('is valid for the served Application schema in every state, masked or not', () => {
    const states = [draft(), paid(), closed(false)];
    for (const app of states) {
      for (const principal of [clerk, spc]) {
        const result = Application.safeParse(applicationView(app, principal));
        expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
      }
    }
  });
});
