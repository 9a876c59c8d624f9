import { expect } from 'vitest';
import { type ApiResponse, api, eventually, uploadAllDocuments } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';

/**
 * Fixture builders shared by the security suites. Each builds an application through the public API
 * only (no store access), so the fixtures are exactly what a court would produce.
 */

export const approvalForm = {
  approvalForm: { reviewOpinion: '材料齐全，符合救助条件，同意报请审批。', reviewedBy: '安全测试法官' },
};

/** A draft at the clerk's court (`prefix` is the court's case-number prefix, e.g. 京0108). */
export async function draftAt(
  clerk: string,
  prefix: string,
  adjust: (body: ReturnType<typeof applicationBody>) => void = () => {},
): Promise<string> {
  const body = applicationBody({ courtPrefix: prefix });
  adjust(body);
  const created = await api('POST', '/applications', { token: clerk, body });
  if (created.status !== 201) throw new Error(`fixture create failed: ${created.status} ${show(created)}`);
  return created.body.id as string;
}

/** A draft with all six documents uploaded, submitted: pending_approval at the executing court. */
export async function pendingAt(
  clerk: string,
  prefix: string,
  adjust?: (body: ReturnType<typeof applicationBody>) => void,
): Promise<string> {
  const id = await draftAt(clerk, prefix, adjust);
  await uploadAllDocuments(id, clerk);
  await submit(id, clerk);
  return id;
}

export async function submit(id: string, clerk: string) {
  const res = await api('POST', `/applications/${id}/submit`, { token: clerk, body: approvalForm });
  if (res.status !== 202) throw new Error(`fixture submit failed: ${res.status} ${show(res)}`);
}

export async function decide(id: string, approver: string, decision: string, comment = '') {
  return api('POST', `/applications/${id}/decisions`, { token: approver, body: { decision, comment } });
}

/**
 * A paid application: pending at the executing court, approved by each approver of `approvers` in
 * route order, then paid by the local insurer simulator; waits until its execution has ended so
 * nothing writes to it afterwards.
 */
export async function paidAt(
  clerk: string,
  prefix: string,
  approvers: string[],
  adjust?: (body: ReturnType<typeof applicationBody>) => void,
): Promise<string> {
  const id = await pendingAt(clerk, prefix, adjust);
  for (const approver of approvers) {
    const res = await decide(id, approver, 'approve', '同意');
    if (res.status !== 200) throw new Error(`fixture approval failed: ${res.status} ${show(res)}`);
  }
  await eventually(
    async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === 'paid',
    `application ${id} paid`,
    200,
  );
  await eventually(
    async () => (await api('GET', `/dev/executions/${id}-s1`)).body.status === 'SUCCEEDED',
    `execution of ${id} ended`,
    200,
  );
  return id;
}

/** Closes a paid application (报结) with a ruling issued today. */
export async function close(id: string, clerk: string) {
  const res = await api('POST', `/applications/${id}/closure`, {
    token: clerk,
    body: { rulingNumber: `(2024)安全${id.slice(-6)}号`, issuedAt: new Date().toISOString() },
  });
  if (res.status !== 200) throw new Error(`fixture closure failed: ${res.status} ${show(res)}`);
}

export async function resume(id: string, clerk: string) {
  const res = await api('POST', `/applications/${id}/resumptions`, {
    token: clerk,
    body: { reason: 'assets-found', basis: '发现被执行人名下车辆', amountFen: 1 },
  });
  if (res.status !== 200) throw new Error(`fixture resumption failed: ${res.status} ${show(res)}`);
}

/** Audit length and status of an application: what any write would change. */
export async function footprint(id: string, reader: string) {
  const [app, audit] = await Promise.all([
    api('GET', `/applications/${id}`, { token: reader }),
    api('GET', `/applications/${id}/audit`, { token: reader }),
  ]);
  expect(app.status).toBe(200);
  expect(audit.status).toBe(200);
  return { status: app.body.status as string, version: app.body.version as number, audit: audit.body.length };
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Asserts the contract's error shape (RFC 9457 problem+json with a stable UPPER_SNAKE code) and that
 * nothing internal leaks: no stack frame, no SDK exception name, no source path.
 */
export function expectProblem(res: ApiResponse, status?: number) {
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status: res.status,
      detail: expect.any(String),
      code: expect.stringMatching(UPPER_SNAKE),
    }),
  );
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/\bat [\w$.<>]+ \(|\.ts:\d+|node_modules|Exception\b|DynamoDB|ConditionalCheck/);
}

export function show(res: ApiResponse): string {
  return JSON.stringify(res.body).slice(0, 400);
}

/** A well-formed application id (ULID alphabet, 26 characters) that no application has. */
export function unknownId(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let id = '7Z';
  while (id.length < 26) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}
