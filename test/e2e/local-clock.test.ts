import { beforeAll, describe, expect, it } from 'vitest';
import { api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * The local runner's clock shift (infra/local/dev-clock.ts, `X-Relief-Local-Clock-Shift: <seconds>`):
 * a request's work runs as if "now" were that far away, through the clock the use cases take. The
 * approver's queue then judges "overdue" by the API's own rule on an application truly submitted
 * fifteen days ago. 太原市小店区人民法院 (SX0105), which no other suite uses.
 */

const COURT = 'SX0105';
const DAY = 24 * 3600;
const form = { approvalForm: { reviewOpinion: '材料齐全，同意报请审批。', reviewedBy: '王法官' } };
const shifted = (days: number) => ({ 'X-Relief-Local-Clock-Shift': String(-days * DAY) });

let clerk: string;
let approver: string;

beforeAll(async () => {
  clerk = await token(COURT, ['clerk'], 'clerk-local-clock');
  approver = await token(COURT, ['approver'], 'approver-local-clock');
});

async function submittedDaysAgo(days: number): Promise<{ id: string; submittedAt: string }> {
  const headers = shifted(days);
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '晋0105' }),
    headers,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await uploadAllDocuments(created.body.id, clerk);
  const res = await api('POST', `/applications/${created.body.id}/submit`, {
    token: clerk,
    body: form,
    headers,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { id: created.body.id, submittedAt: created.body.createdAt };
}

describe('the local clock shift', () => {
  it('records a submission in the past; the queue marks it overdue after 14 days, not before', async () => {
    const old = await submittedDaysAgo(15);
    const recent = await submittedDaysAgo(13);
    const res = await api('GET', `/applications?pendingAt=${COURT}&limit=200`, { token: approver });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entry = (id: string) =>
      (res.body.items as { id: string; overdue: boolean; waitingSince: string }[]).find((a) => a.id === id);
    const o = entry(old.id);
    const r = entry(recent.id);
    // Recorded then (within a minute of fifteen and thirteen days ago), by the server's own clock.
    expect(Math.abs(Date.parse(o?.waitingSince as string) - (Date.now() - 15 * DAY * 1000))).toBeLessThan(
      60_000,
    );
    expect(Math.abs(Date.parse(r?.waitingSince as string) - (Date.now() - 13 * DAY * 1000))).toBeLessThan(
      60_000,
    );
    expect(o?.overdue).toBe(true);
    expect(r?.overdue).toBe(false);
    // Oldest first.
    const ids = (res.body.items as { id: string }[]).map((a) => a.id);
    expect(ids.indexOf(old.id)).toBeLessThan(ids.indexOf(recent.id));
  });

  it('refuses a malformed shift with 400 INVALID_CLOCK_SHIFT and creates nothing', async () => {
    for (const value of ['soon', '1.5', String(400 * DAY)]) {
      const body = applicationBody({ courtPrefix: '晋0105' });
      const res = await api('POST', '/applications', {
        token: clerk,
        body,
        headers: { 'X-Relief-Local-Clock-Shift': value },
      });
      expect(res.status, value).toBe(400);
      expect(res.body.code).toBe('INVALID_CLOCK_SHIFT');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const list = await api('GET', `/applications?courtCode=${COURT}&limit=200`, { token: clerk });
      expect(
        (list.body.items as { case: { caseNumber: string } }[]).some(
          (a) => a.case.caseNumber === body.case.caseNumber,
        ),
      ).toBe(false);
    }
  });
});
