import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import { type ApiResponse, api, eventually, sha256Hex, token, uploadAllDocuments } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/**
 * Idempotency-Key on every state-changing route (api-contract "Conventions"): a replay with the same key
 * and request returns the first response — status, headers and body — and changes nothing; the same key
 * with another request is 422 IDEMPOTENCY_KEY_REUSED and changes nothing; the key is scoped by the
 * caller's court and subject, the operation and its target, so no one else is served a stored response.
 *
 * Fixtures are cases of 甘肃高院 (GS) itself (route GS only: one approval), in the demo campaign, with a
 * small relief amount; GS's quota and report are touched by no other suite.
 */

const RELIEF = 100_000;
const form = { approvalForm: { reviewOpinion: '材料齐全，符合救助条件。', reviewedBy: '幂等测试法官' } };

let clerk: string;
let approver: string;
let spc: string;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  clerk = await token('GS', ['clerk'], 'clerk-idempotency');
  approver = await token('GS', ['approver'], 'approver-idempotency');
  spc = await token('SPC', ['spc-admin'], 'spc-idempotency');
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      credentials: { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' },
    }),
  );
});

let serial = 0;
const newKey = (what: string) => `it-${what}-${Date.now()}-${serial++}`;

/** The measure of the lifecycle's case, lifted at its end (liftMeasure). */
const MEASURE = {
  kind: 'consumption-restriction',
  reference: '（2024）甘执7号之一限制消费令',
  since: '2024-05-01',
};
/** Enforcement resumes for (and recovers) this much, so the debt is satisfied and the measure may go. */
const RESUMED = 40_000;

function gsBody() {
  const body = { ...applicationBody({ courtPrefix: '甘' }), reliefAmountFen: RELIEF };
  return { ...body, case: { ...body.case, measures: [MEASURE] } };
}

async function draft() {
  const created = await api('POST', '/applications', { token: clerk, body: gsBody() });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

async function actions(id: string): Promise<string[]> {
  const audit = await api('GET', `/applications/${id}/audit`, { token: clerk });
  expect(audit.status).toBe(200);
  return audit.body.map((e: { action: string }) => e.action);
}

const count = (list: string[], action: string) => list.filter((a) => a === action).length;

async function fundEntries(applicationId: string) {
  const out = await doc.send(
    new QueryCommand({
      TableName: 'relief',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      FilterExpression: 'applicationId = :id',
      ExpressionAttributeValues: { ':pk': 'FUND#demo', ':e': 'ENTRY#', ':id': applicationId },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => i.amountFen as number);
}

async function quotaTrailLength(campaignId: string, code: string) {
  const res = await api('GET', `/campaigns/${campaignId}/quotas/${code}/audit`, { token: spc });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as unknown[]).length;
}

interface Request {
  method: string;
  path: string;
  token: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

const send = (req: Request, key: string) =>
  api(req.method, req.path, {
    token: req.token,
    body: req.body,
    ...(req.rawBody !== undefined ? { rawBody: req.rawBody } : {}),
    headers: { ...(req.headers ?? {}), 'idempotency-key': key },
  });

/** The first response, exactly: status, body and the headers a client acts on. */
function expectReplayOf(replay: ApiResponse, first: ApiResponse) {
  expect(replay.status, JSON.stringify(replay.body)).toBe(first.status);
  expect(replay.body).toEqual(first.body);
  for (const h of ['etag', 'location', 'content-type'])
    expect(replay.headers.get(h)).toBe(first.headers.get(h));
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
}

function expectKeyReused(res: ApiResponse) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
}

interface Case {
  /** Brings the lifecycle fixture to the state the request needs; returns the request and a variant. */
  prepare: () => Promise<{ request: Request; other: Request; expectStatus: number }>;
  /** What the change changes (and a replay must not): compared before and after each later request. */
  footprint: () => Promise<unknown>;
}

/**
 * One lifecycle, step by step, each step a state-changing route: created, edited, a document granted,
 * submitted, approved, paid (by the local insurer), closed, resumed, money recovered; plus the quota
 * allocation and the report freeze. Keyed by operationId; the coverage test below requires an entry
 * for every state-changing route in apiRoutes.
 */
const life: { id?: string; createBody?: ReturnType<typeof gsBody>; version?: number } = {};
const lifeId = () => life.id as string;
/** A draft of its own, withdrawn (the lifecycle's application must stay open). */
const withdrawn: { id?: string } = {};

/** An application of its own, submitted, decided in a batch (rejected: no quota, no payout). */
const batched: { id?: string } = {};

/** A draft of its own whose document is reviewed. */
const reviewed: { id?: string } = {};

/** A campaign of its own (created, then changed, by the campaign cases). */
const idemCampaign: { id?: string } = {};
async function campaignFootprint() {
  const path = `/campaigns/${idemCampaign.id}`;
  const [campaign, trail] = await Promise.all([
    api('GET', path, { token: spc }),
    api('GET', `${path}/audit`, { token: spc }),
  ]);
  return { campaign: campaign.body, etag: campaign.headers.get('etag'), trail: trail.body.length };
}

const CASES: Record<string, Case> = {
  createApplication: {
    prepare: async () => {
      life.createBody = gsBody();
      const other = structuredClone(life.createBody);
      other.hardship.statement = '另一份困难说明。';
      return {
        request: { method: 'POST', path: '/applications', token: clerk, body: life.createBody },
        other: { method: 'POST', path: '/applications', token: clerk, body: other },
        expectStatus: 201,
      };
    },
    footprint: async () => {
      const list = await api('GET', '/applications?courtCode=GS&limit=200', { token: clerk });
      return list.body.items.map((a: { id: string }) => a.id).sort();
    },
  },
  patchApplication: {
    prepare: async () => {
      life.id ??= await draft();
      const current = await api('GET', `/applications/${lifeId()}`, { token: clerk });
      const ifMatch = current.headers.get('etag') as string;
      const path = `/applications/${lifeId()}`;
      return {
        request: {
          method: 'PATCH',
          path,
          token: clerk,
          headers: { 'if-match': ifMatch },
          body: { hardship: { statement: '补充：申请执行人身患重病。' } },
        },
        // The same body with another If-Match is another request.
        other: {
          method: 'PATCH',
          path,
          token: clerk,
          headers: { 'if-match': '"v999"' },
          body: { hardship: { statement: '补充：申请执行人身患重病。' } },
        },
        expectStatus: 200,
      };
    },
    footprint: async () => {
      const app = await api('GET', `/applications/${lifeId()}`, { token: clerk });
      return { version: app.body.version, updated: count(await actions(lifeId()), 'application.updated') };
    },
  },
  requestDocumentUpload: {
    prepare: async () => {
      const scan = Buffer.from('%PDF-1.4\n% idempotent grant\n%%EOF\n');
      const body = {
        type: 'identity',
        contentType: 'application/pdf',
        sizeBytes: scan.length,
        sha256: sha256Hex(scan),
      };
      const path = `/applications/${lifeId()}/documents`;
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { ...body, type: 'hardship-proof' } },
        expectStatus: 201,
      };
    },
    footprint: async () =>
      (await api('GET', `/applications/${lifeId()}/documents`, { token: clerk })).body.items.length,
  },
  requestDocumentUploads: {
    prepare: async () => {
      const scans = ['% batch identity', '% batch bank account'].map((t) =>
        Buffer.from(`%PDF-1.4\n${t}\n%%EOF\n`),
      );
      const documents = scans.map((scan, i) => ({
        type: i === 0 ? 'identity' : 'bank-account',
        contentType: 'application/pdf',
        sizeBytes: scan.length,
        sha256: sha256Hex(scan),
      }));
      const path = `/applications/${lifeId()}/document-batches`;
      return {
        request: { method: 'POST', path, token: clerk, body: { documents } },
        other: { method: 'POST', path, token: clerk, body: { documents: documents.slice(1) } },
        expectStatus: 201,
      };
    },
    footprint: async () =>
      (await api('GET', `/applications/${lifeId()}/documents`, { token: clerk })).body.items.length,
  },
  reviewDocument: {
    // A draft of its own: the review must not block the lifecycle's submission.
    prepare: async () => {
      reviewed.id = await draft();
      await uploadAllDocuments(reviewed.id, clerk);
      const list = await api('GET', `/applications/${reviewed.id}/documents`, { token: clerk });
      const identity = list.body.items.find((d: { type: string }) => d.type === 'identity');
      const path = `/applications/${reviewed.id}/documents/${identity.documentId}/review`;
      return {
        request: { method: 'POST', path, token: clerk, body: { verdict: 'accepted', reason: '清晰' } },
        other: { method: 'POST', path, token: clerk, body: { verdict: 'rejected', reason: '模糊' } },
        expectStatus: 200,
      };
    },
    footprint: async () => {
      const id = reviewed.id as string;
      const list = await api('GET', `/applications/${id}/documents`, { token: clerk });
      const statuses = list.body.items.map((d: { status: string }) => d.status).sort();
      return { statuses, reviews: (await actions(id)).filter((a) => a.startsWith('document.review')).length };
    },
  },
  submitApplication: {
    prepare: async () => {
      await uploadAllDocuments(lifeId(), clerk);
      const path = `/applications/${lifeId()}/submit`;
      return {
        request: { method: 'POST', path, token: clerk, body: form },
        other: {
          method: 'POST',
          path,
          token: clerk,
          body: { approvalForm: { ...form.approvalForm, reviewOpinion: '另一审查意见。' } },
        },
        expectStatus: 202,
      };
    },
    footprint: async () => count(await actions(lifeId()), 'application.submitted'),
  },
  decideApplication: {
    prepare: async () => {
      const path = `/applications/${lifeId()}/decisions`;
      return {
        request: { method: 'POST', path, token: approver, body: { decision: 'approve', comment: '同意' } },
        other: { method: 'POST', path, token: approver, body: { decision: 'reject', comment: '不同意' } },
        expectStatus: 200,
      };
    },
    // The workflow writes to the application after the approval (dispatch, payout): count decisions only.
    footprint: async () => (await actions(lifeId())).filter((a) => a.startsWith('decision.')).length,
  },
  decideBatch: {
    prepare: async () => {
      batched.id = await draft();
      await uploadAllDocuments(batched.id, clerk);
      const submitted = await api('POST', `/applications/${batched.id}/submit`, { token: clerk, body: form });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      const items = (comment: string) => [{ applicationId: batched.id, decision: 'reject', comment }];
      return {
        request: {
          method: 'POST',
          path: '/decision-batches',
          token: approver,
          body: { items: items('不符合条件') },
        },
        other: {
          method: 'POST',
          path: '/decision-batches',
          token: approver,
          body: { items: items('另一理由') },
        },
        expectStatus: 200,
      };
    },
    footprint: async () =>
      (await actions(batched.id as string)).filter((a) => a.startsWith('decision.')).length,
  },
  createReconciliation: {
    prepare: async () => {
      const path = '/campaigns/demo/reconciliations';
      const csv = 'packageId,transactionRef,amountFen,paidAt\nPKG-IDEM-UNKNOWN-1,T-1,100,2026-12-01\n';
      const headers = { 'content-type': 'text/csv' };
      return {
        request: { method: 'POST', path, token: spc, rawBody: csv, headers },
        other: { method: 'POST', path, token: spc, rawBody: csv.replace('T-1', 'T-2'), headers },
        expectStatus: 201,
      };
    },
    footprint: async () => {
      const out = await doc.send(
        new QueryCommand({
          TableName: 'relief',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'RECON#demo' },
          ConsistentRead: true,
          Select: 'COUNT',
        }),
      );
      return out.Count;
    },
  },
  closeApplication: {
    prepare: async () => {
      await eventually(
        async () => (await api('GET', `/applications/${lifeId()}`, { token: clerk })).body.status === 'paid',
        'paid by the local insurer',
        200,
      );
      await eventually(
        async () => (await api('GET', `/dev/executions/${lifeId()}-s1`)).body.status === 'SUCCEEDED',
        'execution ended',
        200,
      );
      const path = `/applications/${lifeId()}/closure`;
      const issuedAt = new Date().toISOString();
      return {
        request: { method: 'POST', path, token: clerk, body: { rulingNumber: '(2024)甘执恢7号', issuedAt } },
        other: { method: 'POST', path, token: clerk, body: { rulingNumber: '(2024)甘执恢8号', issuedAt } },
        expectStatus: 200,
      };
    },
    footprint: async () => count(await actions(lifeId()), 'application.closed'),
  },
  dismissResumption: {
    prepare: async () => {
      // A lead from the applicant finds assets (today in Beijing): resumption is due, and the clerk
      // records why it is not resumed (the lifecycle resumes right after, from the closed state).
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const found = await api('POST', `/applications/${lifeId()}/asset-checks`, {
        token: clerk,
        body: {
          checkedAt: today,
          method: 'lead-from-applicant',
          result: 'assets-found',
          detail: '申请人提供车辆线索。',
        },
        headers: { 'idempotency-key': newKey('dismissal-check') },
      });
      expect(found.status, JSON.stringify(found.body)).toBe(201);
      expect(found.body.resumptionDue).toBe(true);
      const path = `/applications/${lifeId()}/resumption-dismissals`;
      const body = { reason: '所涉车辆已设定抵押，暂不恢复执行。' };
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { reason: '另一个理由。' } },
        expectStatus: 200,
      };
    },
    footprint: async () => ({
      dismissed: count(await actions(lifeId()), 'resumption.dismissed'),
      due: (await api('GET', `/applications/${lifeId()}`, { token: clerk })).body.resumptionDue,
    }),
  },
  resumeEnforcement: {
    prepare: async () => {
      const path = `/applications/${lifeId()}/resumptions`;
      const body = { reason: 'assets-found', basis: '发现被执行人名下车辆', amountFen: RESUMED };
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { ...body, reason: 'evasion' } },
        expectStatus: 200,
      };
    },
    footprint: async () => count(await actions(lifeId()), 'enforcement.resumed'),
  },
  recordRecovery: {
    prepare: async () => {
      const path = `/applications/${lifeId()}/recoveries`;
      const body = { amountFen: RESUMED, receivedAt: '2026-11-25', reference: 'R-IDEM-1' };
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { ...body, amountFen: 40_001 } },
        expectStatus: 201,
      };
    },
    footprint: async () => ({
      recorded: count(await actions(lifeId()), 'recovery.recorded'),
      fund: await fundEntries(lifeId()),
    }),
  },
  liftMeasure: {
    prepare: async () => {
      const path = `/applications/${lifeId()}/measure-liftings`;
      const body = { reference: MEASURE.reference, basis: '恢复执行后执行到位，解除限制消费。' };
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { ...body, basis: '另一个理由。' } },
        expectStatus: 200,
      };
    },
    footprint: async () => ({
      lifted: count(await actions(lifeId()), 'measure.lifted'),
      restrictionsLifted: (await api('GET', `/applications/${lifeId()}`, { token: clerk })).body
        .restrictionsLifted,
    }),
  },
  recordAssetCheck: {
    prepare: async () => {
      const path = `/applications/${lifeId()}/asset-checks`;
      // Today in Beijing: on or after the ruling (issued now), not in the future.
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const body = {
        checkedAt: today,
        method: 'network-inquiry',
        result: 'none-found',
        detail: '网络查控未发现财产。',
      };
      return {
        request: { method: 'POST', path, token: clerk, body },
        other: { method: 'POST', path, token: clerk, body: { ...body, method: 'field-investigation' } },
        expectStatus: 201,
      };
    },
    footprint: async () => count(await actions(lifeId()), 'asset-check.recorded'),
  },
  putCourt: {
    prepare: async () => {
      const path = '/courts/XZ0121';
      const { code: _code, ...fields } = (await api('GET', path, { token: spc })).body;
      return {
        request: { method: 'PUT', path, token: spc, body: { ...fields, name: `${fields.name}（一）` } },
        other: { method: 'PUT', path, token: spc, body: { ...fields, name: `${fields.name}（二）` } },
        expectStatus: 200,
      };
    },
    footprint: async () => ({
      court: (await api('GET', '/courts/XZ0121', { token: spc })).body,
      trail: (await api('GET', '/courts/XZ0121/audit', { token: spc })).body.items.length,
    }),
  },
  importCourts: {
    prepare: async () => {
      const { code: _code, ...fields } = (await api('GET', '/courts/XZ0122', { token: spc })).body;
      const body = (name: string) => ({
        dryRun: false,
        courts: [{ code: 'XZ0122', ...fields, name }],
      });
      return {
        request: {
          method: 'POST',
          path: '/courts/imports',
          token: spc,
          body: body(`${fields.name}（导入一）`),
        },
        other: {
          method: 'POST',
          path: '/courts/imports',
          token: spc,
          body: body(`${fields.name}（导入二）`),
        },
        expectStatus: 200,
      };
    },
    footprint: async () => ({
      court: (await api('GET', '/courts/XZ0122', { token: spc })).body,
      trail: (await api('GET', '/courts/XZ0122/audit', { token: spc })).body.items.length,
    }),
  },
  putQuota: {
    prepare: async () => {
      const path = '/campaigns/demo/quotas/GS';
      const current = (await api('GET', path, { token: spc })).body;
      return {
        request: { method: 'PUT', path, token: spc, body: { allocatedFen: current.allocatedFen + 1 } },
        other: { method: 'PUT', path, token: spc, body: { allocatedFen: current.allocatedFen + 2 } },
        expectStatus: 200,
      };
    },
    footprint: async () => ({
      quota: (await api('GET', '/campaigns/demo/quotas/GS', { token: spc })).body,
      trail: await quotaTrailLength('demo', 'GS'),
    }),
  },
  createCampaign: {
    prepare: async () => {
      const body = {
        id: `idem-${Date.now().toString(36)}`,
        name: '幂等测试救助活动',
        preparation: { start: '2030-01-01', end: '2030-01-10' },
        handling: { start: '2030-01-11', end: '2030-02-28' },
        reportDue: '2030-03-15',
        standardLimitFen: 5_000_000,
        specialLimitFen: 10_000_000,
      };
      idemCampaign.id = body.id;
      return {
        request: { method: 'POST', path: '/campaigns', token: spc, body },
        other: { method: 'POST', path: '/campaigns', token: spc, body: { ...body, name: '另一个活动' } },
        expectStatus: 201,
      };
    },
    footprint: async () => campaignFootprint(),
  },
  patchCampaign: {
    prepare: async () => {
      const path = `/campaigns/${idemCampaign.id}`;
      const ifMatch = (await api('GET', path, { token: spc })).headers.get('etag') as string;
      const body = { assetCheckIntervalMonths: 3 };
      return {
        request: { method: 'PATCH', path, token: spc, headers: { 'if-match': ifMatch }, body },
        // The same body with another If-Match is another request.
        other: { method: 'PATCH', path, token: spc, headers: { 'if-match': '"v999"' }, body },
        expectStatus: 200,
      };
    },
    footprint: async () => campaignFootprint(),
  },
  freezeReport: {
    prepare: async () => {
      const path = '/campaigns/demo/reports/GS/freeze';
      return {
        request: { method: 'POST', path, token: approver },
        // The route takes no body, so every request to one report is the same request: "other" is the
        // same key on another report, which is another scope (see the special case in the test).
        other: { method: 'POST', path: '/campaigns/demo-b/reports/GS/freeze', token: approver },
        expectStatus: 201,
      };
    },
    footprint: async () =>
      (await api('GET', '/campaigns/demo/reports/GS/frozen', { token: approver })).body.frozenAt,
  },
  putReportNarrative: {
    prepare: async () => {
      const path = '/campaigns/demo/reports/narratives/QH';
      return {
        request: { method: 'PUT', path, token: spc, body: { effects: '救助困难群众，化解矛盾纠纷。' } },
        other: { method: 'PUT', path, token: spc, body: { effects: '另一段效果说明。' } },
        expectStatus: 200,
      };
    },
    footprint: async () => {
      const report = await api('GET', '/campaigns/demo/reports', { token: spc });
      const qh = report.body.byHighCourt.find((r: { highCourtCode: string }) => r.highCourtCode === 'QH');
      return { effects: qh.effects, effectsUpdatedAt: qh.effectsUpdatedAt };
    },
  },
  withdrawApplication: {
    prepare: async () => {
      withdrawn.id = await draft();
      const path = `/applications/${withdrawn.id}/withdrawal`;
      return {
        request: { method: 'POST', path, token: clerk, body: { reason: '在错误的救助活动中创建。' } },
        other: { method: 'POST', path, token: clerk, body: { reason: '另一个撤回理由。' } },
        expectStatus: 200,
      };
    },
    footprint: async () => {
      const app = await api('GET', `/applications/${withdrawn.id}`, { token: clerk });
      return {
        status: app.body.status,
        version: app.body.version,
        withdrawals: count(await actions(withdrawn.id as string), 'application.withdrawn'),
      };
    },
  },
};

/** Routes that change nothing, or are de-duplicated another way, and so take no Idempotency-Key. */
const EXEMPT: Record<string, string> = {
  insurerWebhook: 'de-duplicated by the event id, written in the same transaction as its effect',
  checkEligibility: 'screening (排查) persists nothing',
  redeliverInsurerPackage:
    'signed by the insurer (no court subject to scope a key by); re-sends the same package, which the insurer de-duplicates by packageId',
};

const stateChanging = apiRoutes.filter(
  (r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.spec.method) && r.spec.auth !== 'local-only',
);

describe('Idempotency-Key coverage', () => {
  it('has a case here for every state-changing route, and declares the header in its OpenAPI', async () => {
    const openapi = (await api('GET', '/openapi.json')).body;
    for (const route of stateChanging) {
      const id = route.spec.operationId;
      if (EXEMPT[id]) continue;
      expect(Object.keys(CASES), `no idempotency case for ${id}`).toContain(id);
      const operation = openapi.paths[route.spec.path][route.spec.method.toLowerCase()];
      const header = (operation.parameters ?? []).find(
        (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      expect(header, `${id} declares no Idempotency-Key header`).toBeDefined();
      expect(JSON.stringify(operation.responses['422'])).toContain('IDEMPOTENCY_KEY_REUSED');
    }
    for (const id of Object.keys(CASES)) {
      expect(
        stateChanging.map((r) => r.spec.operationId),
        `stale case ${id}`,
      ).toContain(id);
    }
  });
});

describe.sequential('a replay returns the first response and changes nothing; another request with the key is 422', () => {
  it.each(Object.keys(CASES))('%s', async (operationId) => {
    const c = CASES[operationId] as Case;
    const { request, other, expectStatus } = await c.prepare();
    const key = newKey(operationId);
    const first = await send(request, key);
    expect(first.status, JSON.stringify(first.body)).toBe(expectStatus);
    if (operationId === 'createApplication') life.id = first.body.id;
    const after = await c.footprint();

    const replay = await send(request, key);
    expectReplayOf(replay, first);
    expect(await c.footprint()).toEqual(after);

    if (operationId === 'freezeReport') {
      // Without a key the same request is refused now: the replay above was served from the key record.
      expect((await api(request.method, request.path, { token: request.token })).status).toBe(409);
      // The key is bound to its target: the same key on another report freezes that one afresh.
      const elsewhere = await send(other, key);
      expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(201);
      expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
      expect(elsewhere.body.campaignId).toBe('demo-b');
    } else {
      expectKeyReused(await send(other, key));
      expect(await c.footprint()).toEqual(after);
    }
  });
});

describe('what a replay is, and is not', () => {
  it('a replayed recovery credits the relief fund once and returns the first 201, also when sent 10 times at once', async () => {
    const id = lifeId();
    const before = await fundEntries(id);
    const key = newKey('recovery-burst');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        send(
          {
            method: 'POST',
            path: `/applications/${id}/recoveries`,
            token: clerk,
            body: { amountFen: 1_000, receivedAt: '2026-11-26', reference: 'R-IDEM-BURST' },
          },
          key,
        ),
      ),
    );
    for (const res of responses) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toEqual(responses[0]?.body);
    }
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await fundEntries(id)).toEqual([...before, 1_000]);
    expect(count(await actions(id), 'recovery.recorded')).toBe(2);
  });

  it('a replayed approve returns its first 200 even after the application moved on', async () => {
    const id = await draft();
    await uploadAllDocuments(id, clerk);
    expect((await api('POST', `/applications/${id}/submit`, { token: clerk, body: form })).status).toBe(202);
    const key = newKey('approve');
    const request: Request = {
      method: 'POST',
      path: `/applications/${id}/decisions`,
      token: approver,
      body: { decision: 'approve', comment: '同意' },
    };
    const first = await send(request, key);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('awaiting_payout');
    // Without the key, a repeat is refused: the level has decided.
    const unkeyed = await api(request.method, request.path, { token: approver, body: request.body });
    expect(unkeyed.status).toBe(409);
    expect(unkeyed.body.code).toBe('DECISION_ALREADY_RECORDED');
    await eventually(
      async () => (await api('GET', `/applications/${id}`, { token: clerk })).body.status === 'paid',
      'paid',
      200,
    );
    expectReplayOf(await send(request, key), first);
    expect(count(await actions(id), 'decision.approve')).toBe(1);
  });

  it('does not re-apply a replayed quota allocation that was overwritten since', async () => {
    const path = '/campaigns/demo/quotas/GS';
    const base = (await api('GET', path, { token: spc })).body.allocatedFen as number;
    const key = newKey('quota');
    const first = await send({ method: 'PUT', path, token: spc, body: { allocatedFen: base + 10 } }, key);
    expect(first.status).toBe(200);
    expect((await api('PUT', path, { token: spc, body: { allocatedFen: base + 20 } })).status).toBe(200);
    const replay = await send({ method: 'PUT', path, token: spc, body: { allocatedFen: base + 10 } }, key);
    expectReplayOf(replay, first);
    expect((await api('GET', path, { token: spc })).body.allocatedFen).toBe(base + 20);
  });

  it('never serves one court’s stored response to the same key and subject at another court', async () => {
    // The same `sub` at two courts (a transferred judge, or a colliding identity provider).
    const atGs = await token('GS', ['clerk'], 'clerk-twin');
    const atQh = await token('QH', ['clerk'], 'clerk-twin');
    const key = newKey('twin');
    const body = gsBody();
    const first = await api('POST', '/applications', {
      token: atGs,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.body.applicant.idNumber).toBe(body.applicant.idNumber); // in full, for the executing clerk

    for (const other of [body, applicationBody({ courtPrefix: '青' })]) {
      const res = await api('POST', '/applications', {
        token: atQh,
        body: other,
        headers: { 'idempotency-key': key },
      });
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(res.body.id).not.toBe(first.body.id);
      expect(JSON.stringify(res.body)).not.toContain(first.body.id);
      if (res.status === 201) expect(res.body.courtCode).toBe('QH');
    }
    // Court A's clerk still gets its own first response.
    expectReplayOf(
      await api('POST', '/applications', { token: atGs, body, headers: { 'idempotency-key': key } }),
      first,
    );
  });

  it('binds a key to its target: the same key on another application is another request', async () => {
    const a = await draft();
    const b = await draft();
    const key = newKey('target');
    const body = { hardship: { statement: '同一个键，两份申请。' } };
    for (const id of [a, b]) {
      const res = await api('PATCH', `/applications/${id}`, {
        token: clerk,
        body,
        headers: { 'if-match': '"v1"', 'idempotency-key': key },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(res.body.id).toBe(id);
    }
  });

  it('refuses a malformed key with 400 INVALID_IDEMPOTENCY_KEY and changes nothing', async () => {
    const before = await api('GET', '/applications?courtCode=GS&limit=200', { token: clerk });
    const res = await api('POST', '/applications', {
      token: clerk,
      body: gsBody(),
      headers: { 'idempotency-key': 'not a valid key!' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    const after = await api('GET', '/applications?courtCode=GS&limit=200', { token: clerk });
    expect(after.body.items.length).toBe(before.body.items.length);
  });
});
