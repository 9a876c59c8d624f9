import { approvalRoute, type Court } from '../../functions/domain/courts.ts';
import {
  type Api,
  ApiError,
  type ApiResponse,
  DOCUMENT_TYPES,
  type DocumentType,
  uploadDocuments,
} from './api.ts';
import { applicationBody, type CaseSpec } from './fixtures.ts';
import { sleep } from './stats.ts';

/** Anomalies the driver had to work around; reported, since each is a retry a real client would make. */
export const anomalies = {
  submitNotReady: 0,
  reuploads: 0,
  versionConflictRetries: 0,
  decisionRetries: 0,
};

const serials = new Map<string, number>();
let applicants = 0;

/** A fresh case of `court` (unique case number and applicant within this process). */
export function nextCase(court: Court, holder: string, reliefAmountFen: number): CaseSpec {
  const serial = (serials.get(court.code) ?? 0) + 1;
  serials.set(court.code, serial);
  return { court, holder, serial, n: ++applicants, reliefAmountFen };
}

export const APPROVAL_FORM = {
  approvalForm: { reviewOpinion: '材料齐全，符合救助条件，同意报请审批', reviewedBy: '张法官' },
};

export async function createApplication(api: Api, spec: CaseSpec): Promise<string> {
  const res = await api.expect(201, 'POST', '/applications', {
    token: await api.clerk(spec.court.code),
    body: applicationBody(spec),
  });
  return res.body.id as string;
}

export async function uploadAll(
  api: Api,
  id: string,
  court: string,
  types: readonly DocumentType[] = DOCUMENT_TYPES,
) {
  const token = await api.clerk(court);
  await uploadDocuments(api, id, token, types);
}

/**
 * Submits once every document has settled: 422 MATERIALS_INCOMPLETE means an S3 event is still being
 * handled, so wait and retry; a type still missing after ~10 s is uploaded again (its event failed).
 */
export async function submitWhenReady(api: Api, id: string, court: string): Promise<ApiResponse> {
  const token = await api.clerk(court);
  const started = Date.now();
  let reuploaded = false;
  for (let attempt = 0; ; attempt++) {
    const res = await api.request('POST', `/applications/${id}/submit`, { token, body: APPROVAL_FORM });
    if (res.status === 202) return res;
    if (res.status !== 422 || res.body?.code !== 'MATERIALS_INCOMPLETE')
      throw new ApiError('submit', res.status, res.body);
    anomalies.submitNotReady++;
    if (!reuploaded && Date.now() - started > 10_000) {
      const missing = (res.body.errors ?? []).map((e: { path: string }) => e.path.replace('documents.', ''));
      anomalies.reuploads += missing.length;
      await uploadAll(api, id, court, missing as DocumentType[]);
      reuploaded = true;
    }
    if (Date.now() - started > 60_000)
      throw new ApiError('submit (documents never settled)', res.status, res.body);
    await sleep(Math.min(50 * 2 ** Math.min(attempt, 4), 500));
  }
}

/**
 * Waits until the application's six materials are `uploaded` (the S3 events are handled in the
 * background), peeking at the repository in process: the driver's wait, not a request of the system.
 */
export async function documentsSettled(
  peek: (id: string) => Promise<{ type: string; status: string }[]>,
  id: string,
  timeoutMs = 20_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 60; ; wait = Math.min(wait * 1.5, 500)) {
    const docs = await peek(id);
    const uploaded = new Set(docs.filter((d) => d.status === 'uploaded').map((d) => d.type));
    if (DOCUMENT_TYPES.every((t) => uploaded.has(t))) return true;
    if (Date.now() > deadline) return false;
    await sleep(wait);
  }
}

/** One decision; 409 VERSION_CONFLICT (a concurrent change of the application) is retried as a client would. */
export async function decide(
  api: Api,
  id: string,
  court: string,
  decision: 'approve' | 'reject' | 'return' = 'approve',
): Promise<ApiResponse> {
  const token = await api.approver(court);
  for (let attempt = 0; ; attempt++) {
    const res = await api.request('POST', `/applications/${id}/decisions`, {
      token,
      body: { decision, comment: decision === 'approve' ? '同意' : '不同意' },
    });
    if (res.status === 409 && res.body?.code === 'VERSION_CONFLICT' && attempt < 20) {
      anomalies.versionConflictRetries++;
      await sleep(10 + Math.random() * 40);
      continue;
    }
    return res;
  }
}

/** Create, upload the six materials, submit and approve at every level but the last (the quota holder). */
export async function prepareAtHighCourt(
  api: Api,
  spec: CaseSpec,
  peek: (id: string) => Promise<{ type: string; status: string }[]>,
): Promise<string> {
  const id = await createApplication(api, spec);
  await uploadAll(api, id, spec.court.code);
  await documentsSettled(peek, id);
  await submitWhenReady(api, id, spec.court.code);
  const route = approvalRoute(spec.court.code);
  for (const court of route.slice(0, -1)) {
    const res = await decide(api, id, court);
    if (res.status !== 200) throw new ApiError(`decision at ${court}`, res.status, res.body);
  }
  return id;
}

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:relief-approval';
export const executionArn = (applicationId: string, seq = 1) =>
  `arn:aws:states:us-east-1:000000000000:execution:relief-approval:${applicationId}-s${seq}`;
