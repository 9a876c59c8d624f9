import { beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody, residentId } from '../support/applications.ts';

/**
 * Issue 15 over HTTP: a case from application to closure carries its debtor and its measures, which
 * stay in force after relief (三(一)2): lifting one is 409 RESTRICTIONS_MUST_REMAIN while the case is
 * relief-closed, and allowed once enforcement resumed and the resumed amount was recovered. At
 * 湖南省长沙市芙蓉区人民法院 (HN0102 → HN01 → HN) in the demo campaign.
 */
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '结案测试法官' } };
const MEASURES = [
  { kind: 'consumption-restriction', reference: '（2025）湘0102执51号之一', since: '2025-06-01' },
  { kind: 'property-freeze', reference: '（2025）湘0102执51号之二', since: '2025-06-03' },
];
const DEBTOR = {
  name: '钱七',
  kind: 'natural',
  idType: 'resident-id',
  idNumber: residentId('430102', '19690909', '357'),
};
let clerk: string;
let approvers: string[];

beforeAll(async () => {
  clerk = await token('HN0102', ['clerk'], 'clerk-after-closure');
  approvers = [
    await token('HN0102', ['approver'], 'approver-after-closure-basic'),
    await token('HN01', ['approver'], 'approver-after-closure-mid'),
    await token('HN', ['approver'], 'approver-after-closure-high'),
  ];
});

async function paidApplication(): Promise<string> {
  const base = applicationBody({ courtPrefix: '湘0102' });
  const body = { ...base, debtors: [DEBTOR], case: { ...base.case, measures: MEASURES } };
  const created = await api('POST', '/applications', { token: clerk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await uploadAllDocuments(id, clerk);
  expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
  for (const approver of approvers) {
    const decided = await api('POST', `/applications/${id}/decisions`, {
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  }
  await eventually(
    async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === 'paid',
    'paid by the local insurer',
    200,
  );
  return id;
}

describe('the case after closure', () => {
  it('closure keeps the debtor and records the measures in force; lifting waits for resumption and full recovery', async () => {
    const id = await paidApplication();
    const closed = await api('POST', `/applications/${id}/closure`, {
      token: clerk,
      body: { rulingNumber: '(2026)湘0102执恢3号', issuedAt: new Date().toISOString() },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.debtors).toEqual([DEBTOR]);
    expect(closed.body.restrictionsLifted).toBe(false);
    expect(closed.body.closure.measuresInForce).toEqual(MEASURES);

    // Monitoring: due six months after the ruling (looked ahead with `before`, not by waiting).
    const ruledOn = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const dueOn = closed.body.nextAssetCheckDue as string;
    expect(dueOn > ruledOn).toBe(true);
    const dueIds = async (tok: string, before: string) => {
      const res = await api('GET', `/monitoring/due?before=${before}&limit=200`, { token: tok });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((a: { id: string }) => a.id);
    };
    expect(await dueIds(clerk, ruledOn)).not.toContain(id);
    expect(await dueIds(clerk, dueOn)).toContain(id);
    expect(await dueIds(approvers[2] as string, dueOn)).toContain(id);
    expect(await dueIds(await token('BJ0105', ['clerk'], 'clerk-after-closure-bj'), dueOn)).not.toContain(id);
    const future = await api('POST', `/applications/${id}/asset-checks`, {
      token: clerk,
      body: { checkedAt: dueOn, method: 'network-inquiry', result: 'none-found', detail: '未发现财产。' },
    });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('CHECK_IN_FUTURE');
    const checked = await api('POST', `/applications/${id}/asset-checks`, {
      token: clerk,
      body: {
        checkedAt: ruledOn,
        method: 'network-inquiry',
        result: 'assets-found',
        detail: '发现车辆一辆。',
      },
    });
    expect(checked.status, JSON.stringify(checked.body)).toBe(201);
    expect(checked.body.resumptionDue).toBe(true);
    const again = await api('POST', `/applications/${id}/asset-checks`, {
      token: clerk,
      body: { checkedAt: ruledOn, method: 'network-inquiry', result: 'none-found', detail: '重复登记。' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE_ASSET_CHECK');

    const lift = (reference: string) =>
      api('POST', `/applications/${id}/measure-liftings`, {
        token: clerk,
        body: { reference, basis: '执行到位，解除措施。' },
      });
    const refused = await lift(MEASURES[0]?.reference as string);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('RESTRICTIONS_MUST_REMAIN');

    const resumed = await api('POST', `/applications/${id}/resumptions`, {
      token: clerk,
      body: {
        reason: 'assets-found',
        basis: '查询发现被执行人名下车辆',
        amountFen: 500_000,
        debtors: [DEBTOR.idNumber],
      },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumptionDue).toBe(false);
    expect(resumed.body.resumption.debtors).toEqual([DEBTOR.name]);
    expect((await lift(MEASURES[0]?.reference as string)).body.code).toBe('RESTRICTIONS_MUST_REMAIN');
    const recovered = await api('POST', `/applications/${id}/recoveries`, {
      token: clerk,
      body: { amountFen: 500_000, receivedAt: new Date().toISOString(), reference: 'R-HN-1' },
    });
    expect(recovered.status).toBe(201);
    // The recovery is credited to the relief fund (三.4), seen by the high court and the SPC.
    const campaignId = 'demo';
    for (const reader of [approvers[2] as string, await token('SPC', ['spc-admin'], 'spc-after-closure')]) {
      const fund = await api('GET', `/relief-fund?campaignId=${campaignId}`, { token: reader });
      expect(fund.status, JSON.stringify(fund.body)).toBe(200);
      const hn = fund.body.highCourts.find((h: { highCourtCode: string }) => h.highCourtCode === 'HN');
      expect(hn.cases).toContainEqual({
        applicationId: id,
        courtCode: 'HN0102',
        recoveredFen: 500_000,
        entries: 1,
      });
      expect(hn.reconciled).toBe(true);
      expect(fund.body.totals.reconciled).toBe(true);
    }
    const notHers = await api('GET', `/relief-fund?campaignId=${campaignId}`, { token: clerk });
    expect([notHers.status, notHers.body.code]).toEqual([403, 'FUND_NOT_VISIBLE']);
    const first = await lift(MEASURES[0]?.reference as string);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.closure.measuresInForce).toEqual([MEASURES[1]]);
    expect(first.body.restrictionsLifted).toBe(false);
    const unknown = await lift('（2025）湘0102执99号');
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('UNKNOWN_MEASURE');
    const second = await lift(MEASURES[1]?.reference as string);
    expect(second.body.restrictionsLifted).toBe(true);
    const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
    expect(audit.body.filter((e: { action: string }) => e.action === 'measure.lifted')).toHaveLength(2);
  });
});
