import { beforeAll, describe, expect, it } from 'vitest';
import { api, token } from '../support/api.ts';
import { applicationBody, residentId } from '../support/applications.ts';

/**
 * Issue 15 items 1-2 over HTTP: debtors (被执行人) and the termination checklist (终本 Art. 1) on
 * POST /applications, at 湖南省长沙市芙蓉区人民法院 (HN0102, 湘0102). The demo campaign requires neither;
 * a campaign made through the API requires debtors by default.
 */
const run = Date.now().toString(36);
let clerk: string;
let highApprover: string;
let spc: string;

const COMPANY = {
  name: '长沙某某建筑工程有限公司',
  kind: 'legal',
  idType: 'unified-social-credit-code',
  idNumber: '91110108551385082Q',
};
const PERSON = {
  name: '赵六',
  kind: 'natural',
  idType: 'resident-id',
  idNumber: residentId('430102', '19700505', '135'),
};

/** YYYY-MM-DD in Beijing, `days` from today. */
function day(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

const body = (extra: Record<string, unknown> = {}, campaignId = 'demo') => ({
  ...applicationBody({ courtPrefix: '湘0102' }),
  campaignId,
  ...extra,
});

beforeAll(async () => {
  clerk = await token('HN0102', ['clerk'], 'clerk-debtors');
  highApprover = await token('HN', ['approver'], 'approver-debtors');
  spc = await token('SPC', ['spc-admin'], 'spc-debtors');
});

describe('debtors on POST /applications', () => {
  it('stores the debtors canonicalised; the high court reads a person’s ID masked and a company’s code in full', async () => {
    const res = await api('POST', '/applications', {
      token: clerk,
      body: body({ debtors: [{ ...COMPANY, idNumber: '９１１１０１０８５５１３８５０８２q' }, PERSON] }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.debtors).toEqual([COMPANY, PERSON]);
    const read = await api('GET', `/applications/${res.body.id}`, { token: highApprover });
    expect(read.body.debtors[0].idNumber).toBe(COMPANY.idNumber);
    expect(read.body.debtors[1].idNumber).toMatch(/^430102\*{8}\d{3}[\dX]$/);
  });

  it('refuses a bad credit code with 422 INELIGIBLE naming INVALID_CREDIT_CODE at its path, and an unknown debtor kind with 400', async () => {
    const res = await api('POST', '/applications', {
      token: clerk,
      body: body({ debtors: [{ ...COMPANY, idNumber: '91110108551385082R' }] }),
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INELIGIBLE');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_CREDIT_CODE', path: 'debtors[0].idNumber' }),
    ]);
    const shape = await api('POST', '/applications', {
      token: clerk,
      body: body({ debtors: [{ ...COMPANY, kind: 'company' }] }),
    });
    expect(shape.status).toBe(400);
  });

  it('refuses a filedAt in the future and a checklist item done without proof, each with its code', async () => {
    const b = body();
    const res = await api('POST', '/applications', {
      token: clerk,
      body: {
        ...b,
        case: {
          ...b.case,
          filedAt: day(1),
          terminationConditions: {
            ...b.case.terminationConditions,
            checklist: {
              executionNoticeServed: { done: true, at: day(-200) },
              propertyReportOrdered: { done: true },
              consumptionRestricted: { done: true, reference: '（2025）湘0102执9号之一' },
              investigationExhausted: { done: false },
              debtorSearchedOrSanctioned: { done: true, at: day(-100) },
            },
          },
        },
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual([
      'TERMINATION_CONDITIONS_NOT_MET',
      'FILED_AT_IN_FUTURE',
      'INVESTIGATION_NOT_EXHAUSTED',
      'TERMINATION_PROOF_MISSING',
    ]);
  });

  it('a campaign made through the API requires a debtor by default (DEBTOR_REQUIRED), the demo campaign does not', async () => {
    const id = `debtors-${run}`;
    const made = await api('POST', '/campaigns', {
      token: spc,
      body: {
        id,
        name: `被执行人测试 ${id}`,
        preparation: { start: day(-20), end: day(-11) },
        handling: { start: day(-10), end: day(40) },
        reportDue: day(52),
        standardLimitFen: 5_000_000,
        specialLimitFen: 10_000_000,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const refused = await api('POST', '/applications', { token: clerk, body: body({}, id) });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ code: 'DEBTOR_REQUIRED', path: 'debtors' }),
    ]);
    const ok = await api('POST', '/applications', { token: clerk, body: body({ debtors: [PERSON] }, id) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await api('POST', '/applications', { token: clerk, body: body() })).status).toBe(201);
  });
});
