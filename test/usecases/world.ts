import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { createMemoryAdapters, type ManualClock } from '../../functions/adapters/memory/index.ts';
import { mergeTrail, verifyApplicationTrail } from '../../functions/domain/application-trail.ts';
import { demoCampaign } from '../../functions/domain/campaigns.ts';
import { QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { underRecordedCorrelationId } from '../../functions/lib/correlation.ts';
import { DOCUMENT_TYPES, type DocumentType } from '../../functions/ports/applications.ts';
import type { IdempotentWrite, StoredResponse } from '../../functions/ports/idempotency.ts';
import type { CreateApplicationInput } from '../../functions/usecases/applications.ts';
import { createApplication } from '../../functions/usecases/create-application.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { dispatchPackage } from '../../functions/usecases/dispatch-package.ts';
import { parseDocumentKey } from '../../functions/usecases/documents.ts';
import { handOff } from '../../functions/usecases/hand-off.ts';
import { handleInsurerEvent } from '../../functions/usecases/handle-insurer-event.ts';
import { packageIdOf } from '../../functions/usecases/payouts.ts';
import { requestUpload } from '../../functions/usecases/request-upload.ts';
import { settleUploadedObject } from '../../functions/usecases/settle-uploaded-object.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { residentId } from '../support/applications.ts';

/**
 * The use-case tier's world: every port in memory (functions/adapters/memory), the demo campaign
 * around a fixed instant, every quota holder seeded, and the people of one three-level route:
 * 江西省南昌市东湖区人民法院 (JX0102) → 南昌市中级人民法院 (JX01) → 江西省高级人民法院 (JX).
 */
export const T0 = '2026-03-10T02:00:00.000Z';
export const DEFAULT_QUOTA_FEN = 100_000_000;

export const people = {
  clerk: { sub: 'clerk-jx0102', court: 'JX0102', roles: ['clerk'] },
  otherClerk: { sub: 'clerk-jx0102-b', court: 'JX0102', roles: ['clerk'] },
  basicApprover: { sub: 'approver-jx0102', court: 'JX0102', roles: ['approver'] },
  /** Both roles at the executing court: may submit, may decide, but never what they submitted. */
  clerkApprover: { sub: 'clerk-approver-jx0102', court: 'JX0102', roles: ['clerk', 'approver'] },
  midApprover: { sub: 'approver-jx01', court: 'JX01', roles: ['approver'] },
  highApprover: { sub: 'approver-jx', court: 'JX', roles: ['approver'] },
  highClerk: { sub: 'clerk-jx', court: 'JX', roles: ['clerk'] },
  spcAdmin: { sub: 'spc-admin-1', court: 'SPC', roles: ['spc-admin'] },
  spcClerk: { sub: 'spc-clerk-1', court: 'SPC', roles: ['clerk'] },
  foreignClerk: { sub: 'clerk-bj0105', court: 'BJ0105', roles: ['clerk'] },
  foreignApprover: { sub: 'approver-bj', court: 'BJ', roles: ['approver'] },
} satisfies Record<string, Principal>;

export const ROUTE_APPROVERS: Principal[] = [people.basicApprover, people.midApprover, people.highApprover];

export const FORM = {
  approvalForm: { reviewOpinion: '经审查，材料齐全，符合救助条件。', reviewedBy: '李审查' },
};

export const sha256Hex = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');

/** An IdempotentWrite as a route builds it (lib/idempotency.ts): scoped by court, subject, operation and target. */
export function idempotencyFor<T>(
  principal: Principal,
  operationId: string,
  target: Record<string, string>,
  key: string,
  request: unknown,
  respond: (result: T) => StoredResponse = (r) => ({
    status: 200,
    body: r,
    headers: {},
  }),
): IdempotentWrite<T> {
  return {
    scope: JSON.stringify([principal.court, principal.sub, operationId, JSON.stringify(target)]),
    key,
    requestHash: sha256Hex(JSON.stringify(request)),
    respond,
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { status?: number; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status?: number; code?: string };
  }
  throw new Error('expected a refusal, but the call succeeded');
}

export async function world(options: { quotaFen?: number; now?: string } = {}) {
  const adapters = createMemoryAdapters();
  const clock = adapters.clock as ManualClock;
  clock.set(options.now ?? T0);
  const campaign = demoCampaign(adapters.now());
  await adapters.campaigns.put(campaign);
  for (const code of QUOTA_HOLDER_CODES)
    await adapters.campaigns.seedQuota(campaign.id, code, options.quotaFen ?? DEFAULT_QUOTA_FEN, T0);
  let serial = 100;
  const deps = adapters;

  const w = {
    ...adapters,
    deps,
    clock,
    campaign,

    /** A fresh, eligible POST /applications body for JX0102 (a new case and a new applicant each time). */
    facts(
      over: { caseNumber?: string; idNumber?: string; reliefAmountFen?: number } = {},
    ): CreateApplicationInput {
      serial++;
      const idNumber = over.idNumber ?? residentId('360102', '19800101', String(serial).padStart(3, '0'));
      return {
        campaignId: campaign.id,
        case: {
          caseNumber: over.caseNumber ?? `(2024)赣0102执${serial}号`,
          category: 'labor-remuneration',
          kind: 'enforcement',
          claimAmountFen: 3_000_000,
          concluded: false,
          terminationConditions: {
            met: true,
            basis: '经财产调查，未发现可供执行的财产，符合终结本次执行程序条件。',
          },
        },
        applicant: { name: '王小明', idType: 'resident-id', idNumber, phone: '13800000000' },
        hardship: { statement: '申请执行人失业，无固定收入，享受最低生活保障。' },
        consentToTermination: true,
        priorJudicialRelief: false,
        reliefAmountFen: over.reliefAmountFen ?? 3_000_000,
        bankAccount: {
          bankName: '中国工商银行南昌东湖支行',
          holderName: '王小明',
          holderIdNumber: idNumber,
          accountNumber: '6222020200112233445',
        },
      };
    },

    async create(input?: CreateApplicationInput, principal: Principal = people.clerk): Promise<string> {
      const created = await createApplication(deps, principal, input ?? w.facts());
      return created.id;
    },

    /** Requests an upload, PUTs the bytes through the grant and delivers the ObjectCreated event. */
    async upload(id: string, type: DocumentType, body = `${type} scan ${++serial}`) {
      const granted = await requestUpload(deps, people.clerk, id, {
        type,
        contentType: 'application/pdf',
        sizeBytes: Buffer.byteLength(body),
        sha256: sha256Hex(body),
      });
      const grant = granted as {
        documentId: string;
        upload: { url: string; headers: Record<string, string> };
      };
      const key = await adapters.storage.upload(grant.upload.url, body, grant.upload.headers);
      const outcome = await settleUploadedObject(deps, key);
      return { documentId: grant.documentId, key, outcome, body };
    },

    async uploadAll(id: string, types: readonly DocumentType[] = DOCUMENT_TYPES) {
      const out: Record<string, { documentId: string; key: string }> = {};
      for (const type of types) out[type] = await w.upload(id, type);
      return out;
    },

    /** A draft with every document uploaded. */
    async ready(input?: CreateApplicationInput): Promise<string> {
      const id = await w.create(input);
      await w.uploadAll(id);
      return id;
    },

    async submitted(input?: CreateApplicationInput): Promise<string> {
      const id = await w.ready(input);
      await submitApplication(deps, people.clerk, id, FORM);
      return id;
    },

    /** Approves every level of the route (basic, intermediate, high). */
    async approveAll(id: string) {
      for (const approver of ROUTE_APPROVERS)
        await decideApplication(deps, approver, id, { decision: 'approve', comment: '同意' });
    },

    async approved(input?: CreateApplicationInput): Promise<string> {
      const id = await w.submitted(input);
      await w.approveAll(id);
      return id;
    },

    /** Approved and the package sent to the insurer (the workflow's payout token: `pay-<id>`). */
    async dispatched(input?: CreateApplicationInput): Promise<string> {
      const id = await w.approved(input);
      await dispatchPackage(deps, { applicationId: id, submissionSeq: 1, taskToken: `pay-${id}` });
      return id;
    },

    async paid(input?: CreateApplicationInput): Promise<string> {
      const id = await w.dispatched(input);
      const app = await adapters.repo.get(id);
      await handleInsurerEvent(deps, {
        id: `evt-paid-${id}`,
        type: 'payout.succeeded',
        packageId: packageIdOf(id, 1),
        amountFen: app?.reliefAmountFen as number,
        paidAt: adapters.now().toISOString(),
        transactionRef: `PICC-${id}`,
      });
      return id;
    },

    /**
     * The table's stream after the request answered (functions/entries/tasks/hand-off.ts): hands off
     * every outbox item that carries a hand-off, a failure leaving it for the reconciler as the entry does.
     */
    async handOffAll() {
      const outcomes: string[] = [];
      for (const item of await adapters.repo.listOutbox(1000)) {
        if (!('handoff' in item) || !item.handoff) continue;
        outcomes.push(
          await underRecordedCorrelationId(item.correlationId, () => handOff(deps, item)).catch(
            () => 'failed',
          ),
        );
      }
      return outcomes;
    },

    /**
     * The application's trail (its own chain and its documents' chains, merged by time), each chain
     * checked against the head kept on its record and the anchors the application chain holds.
     */
    async verifiedAudit(id: string) {
      const app = await adapters.repo.get(id);
      const trail = await adapters.repo.readTrail(id);
      const verification = verifyApplicationTrail(
        { entries: trail.application, head: { seq: app?.auditSeq ?? 0, hash: app?.auditHead ?? '' } },
        trail.documents,
      );
      const entries = mergeTrail(trail.application, trail.documents);
      expect(verification).toEqual({ valid: true, length: entries.length });
      return entries;
    },

    /** Everything stored, for "a refusal changes nothing" (objects in storage included). */
    dump(): unknown {
      const plain = (v: unknown): unknown =>
        v instanceof Map ? [...v.entries()].map(([k, x]) => [k, plain(x)]) : v instanceof Set ? [...v] : v;
      const state = Object.fromEntries(Object.entries(adapters.state).map(([k, v]) => [k, plain(v)]));
      const objects = [...adapters.storage.objects.entries()].map(([k, o]) => [k, o.sha256Hex]);
      const sent = { executions: [...adapters.workflow.executions.keys()], tokens: adapters.workflow.sent };
      return JSON.parse(JSON.stringify({ state, objects, sent, packages: adapters.insurerClient.packages }));
    },

    async quota(code = 'JX') {
      return adapters.quotas.get(campaign.id, code);
    },

    async counters(code = 'JX') {
      return (await adapters.reports.counters(campaign.id)).byHighCourt.get(code) ?? {};
    },

    /** The object key the document's grant signed (it names the grant's facts after the ids). */
    keyOf(id: string, documentId: string) {
      const key = adapters.state.documents.get(id)?.get(documentId)?.s3Key ?? '';
      expect(parseDocumentKey(key)).toMatchObject({ applicationId: id, documentId });
      return key;
    },
  };
  return w;
}

export type World = Awaited<ReturnType<typeof world>>;

/** Asserts that `run` is refused with `code` (and HTTP `status`) and that nothing at all was stored. */
export async function refusedWithoutChange(
  w: World,
  run: () => Promise<unknown>,
  expected: { code: string; status: number },
) {
  const before = w.dump();
  const error = await refusal(run());
  expect({ code: error.code, status: error.status }).toEqual(expected);
  expect(w.dump()).toEqual(before);
  return error;
}
