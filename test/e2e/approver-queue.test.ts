import { beforeAll, describe, expect, it } from 'vitest';
import { api, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** The approver's queue, GET /applications?pendingAt=<court>, served from the sparse gsi5 index. */

const COURT = 'BJ0106';
const form = { approvalForm: { reviewOpinion: '材料齐全，同意报请审批。', reviewedBy: '李法官' } };

let clerk: string;
let approver: string;
let otherApprover: string;
let spc: string;

beforeAll(async () => {
  clerk = await token(COURT, ['clerk'], 'clerk-queue');
  approver = await token(COURT, ['approver'], 'approver-queue');
  otherApprover = await token('BJ0108', ['approver'], 'approver-queue-other');
  spc = await token('SPC', ['spc-admin'], 'spc-queue');
});

async function submitted(): Promise<string> {
  const created = await api('POST', '/applications', {
    token: clerk,
    body: applicationBody({ courtPrefix: '京0106' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await uploadAllDocuments(created.body.id, clerk);
  const res = await api('POST', `/applications/${created.body.id}/submit`, { token: clerk, body: form });
  expect(res.status).toBe(202);
  return created.body.id as string;
}

type Entry = { id: string; waitingSince?: string; overdue?: boolean; pendingAt: string };
const queueOf = async (court: string, who: string) => {
  const res = await api('GET', `/applications?pendingAt=${court}&limit=200`, { token: who });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Entry[];
};

describe('GET /applications?pendingAt=', () => {
  it('lists what waits at the court oldest first with waitingSince and overdue; a decided one moves on', async () => {
    const first = await submitted();
    const second = await submitted();
    const mine = (items: Entry[]) => items.filter((a) => a.id === first || a.id === second);
    const before = mine(await queueOf(COURT, approver));
    expect(before.map((a) => a.id)).toEqual([first, second]);
    for (const entry of before) {
      expect(entry.pendingAt).toBe(COURT);
      expect(entry.overdue).toBe(false);
      expect(Date.parse(entry.waitingSince as string)).toBeGreaterThan(Date.now() - 600_000);
    }
    expect((before[0]?.waitingSince as string) <= (before[1]?.waitingSince as string)).toBe(true);

    const decided = await api('POST', `/applications/${first}/decisions`, {
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(mine(await queueOf(COURT, approver)).map((a) => a.id)).toEqual([second]);
    const next = decided.body.pendingAt as string;
    const upper = await token(next, ['approver'], `approver-queue-${next}`);
    const there = (await queueOf(next, upper)).find((a) => a.id === first);
    expect(there?.waitingSince).toBeDefined();
    expect((there?.waitingSince as string) > (before[0]?.waitingSince as string)).toBe(true);
  });

  it('shows a court only its own queue, the SPC any; an unknown court is 404', async () => {
    const id = await submitted();
    const refused = await api('GET', `/applications?pendingAt=${COURT}`, { token: otherApprover });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('QUEUE_NOT_YOURS');
    expect((await queueOf(COURT, spc)).map((a) => a.id)).toContain(id);
    expect((await api('GET', '/applications?pendingAt=ZZ9999', { token: spc })).status).toBe(404);
  });
});
