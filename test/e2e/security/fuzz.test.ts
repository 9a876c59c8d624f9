import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiRoutes } from '../../../functions/http/routes.ts';
import type { DeclaredRoute as Route } from '../../../functions/lib/route-spec.ts';
import { signPayload } from '../../../functions/lib/webhook-signature.ts';
import { type ApiResponse, api, baseUrl, token } from '../../support/api.ts';
import { applicationBody } from '../../support/applications.ts';
import {
  close,
  decide,
  draftAt,
  expectProblem,
  footprint,
  paidAt,
  pendingAt,
  resume,
  show,
  submit,
} from './support.ts';

/**
 * Fuzzing every JSON-body route with bodies generated from and beyond its zod schema, sent with a
 * valid credential of the right role (the insurer's: a correct signature) so that they reach
 * validation and the use case. Invariants, per request:
 *   - never a 5xx;
 *   - every 4xx is problem+json with a stable code and no internals;
 *   - a refusal writes nothing: the applications list of the fuzzing court (上海浦东, SH0115, used by no
 *     other suite), the audit trail, status and version of the route's fixture, and for the quota
 *     route the quota row, are the same before and after.
 * Bodies are mostly a valid body with 1-3 mutations (a value replaced by a wrong type, a huge string
 * up to 100 KB, 1,000-level nesting, unicode edge cases — lone surrogates, RTL, zero-width, emoji —,
 * negative/fractional/huge money, out-of-range dates; a field removed; an extra field such as
 * `__proto__`, `status` or `courtCode`), sometimes arbitrary JSON, sometimes the valid body itself.
 * A valid body may succeed; the suite then restores what the next run needs (see `restore`).
 *
 * Runs: FUZZ_RUNS per route (default 25); FUZZ_SEED replays a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PREFIX = '沪0115';
const COURT = 'SH0115';
const QUOTA_PATH = '/campaigns/demo/quotas/XZ'; // 西藏: a quota no other suite touches

// ---------------------------------------------------------------------------------------------
// Generators

const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD800b', '\uDFFF\uD800'];
const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202E\u0645\u0631\u062D\u0628\u0627\u202C', // RTL override + Arabic
  'שלום עולם',
  '\u200B\u200C\u200D\u2060', // zero-width
  '\uFEFF',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '𠀀𪚥', // astral CJK
  'e\u0301\u0301\u0301',
  '\r\n\t\v\f',
  '"\'\\`',
  '<script>alert(1)</script>',
  "' OR '1'='1' --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, literally
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '../../../etc/passwd',
  '%00%0d%0a',
  '１２３４５', // full-width digits
  '（2018）京0105执1号',
];

function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}
const DEEP = [nested(1000, 'array'), nested(1000, 'object')];

const unicodeString = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS, ...LONE_SURROGATES),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 4,
  }),
);
const hugeString = fc
  .tuple(fc.integer({ min: 4_001, max: 100_000 }), fc.constantFrom('x', '汉', '😀'))
  .map(([bytes, ch]) => ch.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(ch)))));
const money = fc.oneof(
  fc.constantFrom(
    -1,
    -0,
    0,
    0.5,
    0.01,
    1.5,
    -3_000_000,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    1e21,
    1e308,
    -1e308,
    5e-324,
    10_000_000_001,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const dateString = fc.oneof(
  fc.constantFrom(
    '2019-02-29',
    '2019-02-30',
    '2018-13-01',
    '0000-00-00',
    '99999-01-01',
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '2024-01-01T25:00:00Z',
    '2024-01-01T00:00:00',
    '2024-06-30T23:59:60+08:00',
    '1970-01-01',
    '9999-12-31',
    '2024-1-1',
    'yesterday',
  ),
  fc
    .date({
      min: new Date(-8_640_000_000_000_000),
      max: new Date(8_640_000_000_000_000),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.string({ maxLength: 10 }),
);
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: unicodeString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: money },
  { weight: 2, arbitrary: dateString },
  { weight: 2, arbitrary: wrongType },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP) },
);
/** Fields a caller might try to set by mass assignment, and keys that poison naive merges. */
const extraKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'status',
    'courtCode',
    'highCourtCode',
    'id',
    'version',
    'createdBy',
    'pendingAt',
    'auditHead',
    'payout',
    'taskToken',
    '$where',
    '',
  ),
  unicodeString,
);

type Path = (string | number)[];
type Mutation =
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'extra'; path: Path; key: string; value: unknown };
type Case =
  | { kind: 'mutated'; mutations: Mutation[] }
  | { kind: 'random'; value: unknown }
  | { kind: 'valid' };

/** Every path into a JSON value (the root included), so mutations reach every field of the schema. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

function caseArbitrary(template: unknown): fc.Arbitrary<Case> {
  const paths = pathsOf(template);
  const leafPaths = paths.filter((p) => p.length > 0);
  const containerPaths = paths.filter((p) => {
    const v = get(template, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('replace' as const),
        path: fc.constantFrom(...leafPaths),
        value: weirdValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...leafPaths) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('extra' as const),
        path: fc.constantFrom(...containerPaths),
        key: extraKey,
        value: weirdValue,
      }),
    },
  );
  return fc.oneof(
    {
      weight: 7,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 3 })
        .map((mutations): Case => ({ kind: 'mutated', mutations })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): Case => ({ kind: 'random', value })) },
    { weight: 1, arbitrary: fc.constant<Case>({ kind: 'valid' }) },
  );
}

function get(value: unknown, path: Path): unknown {
  let v = value;
  for (const k of path)
    v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** Sets an own, enumerable property even for `__proto__` (an assignment would set the prototype). */
function define(target: Record<string | number, unknown>, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function applyCase(base: unknown, c: Case): unknown {
  if (c.kind === 'valid') return base;
  if (c.kind === 'random') return c.value;
  const body = structuredClone(base);
  for (const m of c.mutations) {
    if (m.kind === 'replace' || m.kind === 'delete') {
      if (m.path.length === 0) continue;
      const parent = get(body, m.path.slice(0, -1));
      const key = m.path.at(-1) as string | number;
      if (parent === null || typeof parent !== 'object' || !(key in parent)) continue;
      if (m.kind === 'delete') delete (parent as Record<string | number, unknown>)[key];
      else define(parent as Record<string | number, unknown>, key, m.value);
    } else {
      const target = m.path.length === 0 ? body : get(body, m.path);
      if (target === null || typeof target !== 'object' || Array.isArray(target)) continue;
      define(target as Record<string, unknown>, m.key, m.value);
    }
  }
  return body;
}

/** A readable summary for a failure message (bodies can be 100 KB). */
function describeCase(c: Case): string {
  const cut = (v: unknown) => {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 120 ? `${s.slice(0, 120)}…(${s.length} chars)` : s;
  };
  if (c.kind === 'valid') return 'the valid body';
  if (c.kind === 'random') return `random JSON ${cut(c.value)}`;
  return c.mutations
    .map((m) =>
      m.kind === 'delete'
        ? `delete ${m.path.join('.')}`
        : m.kind === 'replace'
          ? `${m.path.join('.') || '(root)'} = ${cut(m.value)}`
          : `extra ${m.path.join('.') || '(root)'}[${JSON.stringify(m.key)}] = ${cut(m.value)}`,
    )
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Fixtures and per-route configuration

let clerk: string;
let approver: string;
let highApprover: string;
let spcAdmin: string;
const fixtures = { draft: '', pending: '', paid: '', closed: '', resumed: '', withdrawable: '' };
type FixtureName = keyof typeof fixtures;

const small = (b: ReturnType<typeof applicationBody>) => {
  b.reliefAmountFen = 100_000;
};

interface FuzzTarget {
  /** The fixture whose trail must not move on a refusal. */
  fixture?: FixtureName;
  credential: () => { token?: string };
  params?: () => Record<string, string>;
  /** A body valid for the schema (fresh per run where a success would make the next one a duplicate). */
  base: () => unknown;
  /** Extra headers, computed per run (e.g. If-Match from the current version). */
  headers?: (state: Snapshot) => Record<string, string>;
  /** After a success: bring the fixture back to what the next run needs. */
  restore?: () => Promise<void>;
}

const today = () => new Date().toISOString();

const TARGETS: Record<string, FuzzTarget> = {
  createApplication: {
    credential: () => ({ token: clerk }),
    base: () => {
      const b = applicationBody({ courtPrefix: PREFIX });
      small(b);
      return b;
    },
  },
  patchApplication: {
    fixture: 'draft',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.draft }),
    base: () => ({
      hardship: { statement: '申请执行人患重病，丧失劳动能力。' },
      reliefAmountFen: 90_000,
      consentToTermination: true,
    }),
    headers: (s) => ({ 'if-match': `"v${s.fixture?.version}"` }),
  },
  requestDocumentUpload: {
    fixture: 'draft',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.draft }),
    base: () => ({
      type: 'identity',
      contentType: 'application/pdf',
      sizeBytes: 1024,
      sha256: 'c'.repeat(64),
    }),
  },
  requestDocumentUploads: {
    fixture: 'draft',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.draft }),
    base: () => ({
      documents: [
        { type: 'identity', contentType: 'application/pdf', sizeBytes: 1024, sha256: 'c'.repeat(64) },
        { type: 'bank-account', contentType: 'image/png', sizeBytes: 2048, sha256: 'd'.repeat(64) },
      ],
    }),
  },
  submitApplication: {
    // The draft has no uploaded documents: a valid body is refused with MATERIALS_INCOMPLETE.
    fixture: 'draft',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.draft }),
    base: () => ({ approvalForm: { reviewOpinion: '材料齐全，同意报请审批', reviewedBy: '模糊测试法官' } }),
  },
  decideApplication: {
    fixture: 'pending',
    credential: () => ({ token: approver }),
    params: () => ({ id: fixtures.pending }),
    base: () => ({ decision: 'return', comment: '请补充困难证明' }),
    restore: restorePending,
  },
  decideBatch: {
    // A batch of one on the pending fixture; a 200 may have returned it (restored), or refused the item.
    fixture: 'pending',
    credential: () => ({ token: approver }),
    base: () => ({
      items: [{ applicationId: fixtures.pending, decision: 'return', comment: '请补充困难证明' }],
    }),
    restore: restorePending,
  },
  putCourt: {
    // A Tibetan court no other suite reads; a valid mutation may rename it, nothing else.
    credential: () => ({ token: spcAdmin }),
    params: () => ({ code: 'XZ0124' }),
    base: () => ({
      name: '西藏自治区曲水县人民法院',
      level: 'basic',
      parentCode: 'XZ01',
      province: 'XZ',
      directToHighCourt: false,
      caseCourtPrefix: '藏0124',
    }),
  },
  importCourts: {
    // The same Tibetan court as putCourt, as a dry run: a valid mutation may at most rename it.
    credential: () => ({ token: spcAdmin }),
    base: () => ({
      dryRun: true,
      courts: [
        {
          code: 'XZ0124',
          name: '西藏自治区曲水县人民法院',
          level: 'basic',
          parentCode: 'XZ01',
          province: 'XZ',
          directToHighCourt: false,
          caseCourtPrefix: '藏0124',
        },
      ],
    }),
  },
  putReportNarrative: {
    // 西藏's narrative in demo, which no other suite reads; a valid body may rewrite it, nothing else.
    credential: () => ({ token: spcAdmin }),
    params: () => ({ campaignId: 'demo', highCourtCode: 'XZ' }),
    base: () => ({ effects: '救助困难群众，化解矛盾纠纷，取得良好社会效果。' }),
  },
  putQuota: {
    credential: () => ({ token: spcAdmin }),
    params: () => ({ campaignId: 'demo', highCourtCode: 'XZ' }),
    base: () => ({ allocatedFen: 100_000_000 }),
  },
  createCampaign: {
    // The id is taken, so a valid body is refused (409 CAMPAIGN_EXISTS): no run creates a campaign.
    credential: () => ({ token: spcAdmin }),
    base: () => ({
      id: 'demo',
      name: '模糊测试活动',
      preparation: { start: '2030-01-01', end: '2030-01-10' },
      handling: { start: '2030-01-11T00:00:00+08:00', end: '2030-02-28' },
      reportDue: '2030-03-15',
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
      requireDebtor: true,
      rulingLegalBasis: { article: 268, item: 6 },
    }),
  },
  patchCampaign: {
    // A stale If-Match: a valid body is refused (409 VERSION_CONFLICT), so the seeded campaign never moves.
    credential: () => ({ token: spcAdmin }),
    params: () => ({ campaignId: 'demo-b' }),
    base: () => ({
      name: '模糊测试活动',
      handling: { start: '2030-01-11', end: '2030-02-28' },
      specialLimitFen: 10_000_000,
      assetCheckYears: 5,
    }),
    headers: () => ({ 'if-match': '"v999"' }),
  },
  insurerWebhook: {
    // Signed with the local insurer secret, so every body reaches parsing; no package matches.
    fixture: 'paid',
    credential: () => ({}),
    base: () => ({
      id: `evt-fuzz-${Math.random().toString(36).slice(2)}`,
      type: 'payout.succeeded',
      packageId: 'pkg-fuzz-unknown',
      amountFen: 100_000,
      paidAt: today(),
      transactionRef: 'T-FUZZ',
    }),
  },
  closeApplication: {
    // The first valid body closes the paid fixture; later ones are refused (INVALID_STATUS).
    fixture: 'paid',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.paid }),
    base: () => ({ rulingNumber: '(2024)沪0115执恢1号', issuedAt: today() }),
  },
  resumeEnforcement: {
    fixture: 'closed',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.closed }),
    base: () => ({ reason: 'evasion', basis: '被执行人转移财产', amountFen: 1_000 }),
  },
  recordRecovery: {
    fixture: 'resumed',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.resumed }),
    base: () => ({ amountFen: 1, receivedAt: today(), reference: 'R-FUZZ' }),
  },
  liftMeasure: {
    fixture: 'resumed',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.resumed }),
    base: () => ({ reference: 'M-FUZZ', basis: '执行到位' }),
  },
  reviewDocument: {
    // The clerk reviews before submission; the pending fixture is frozen, so every valid body is refused.
    fixture: 'pending',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.pending, documentId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }),
    base: () => ({ verdict: 'rejected', reason: '扫描件模糊，无法辨认' }),
  },
  recordAssetCheck: {
    fixture: 'closed',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.closed }),
    base: () => ({
      checkedAt: today(),
      method: 'network-inquiry',
      result: 'none-found',
      detail: '未发现财产',
    }),
  },
  dismissResumption: {
    // The closed fixture has no check that prompted resumption: every valid body is refused (409).
    fixture: 'closed',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.closed }),
    base: () => ({ reason: '所涉财产已设定抵押，暂不恢复执行。' }),
  },
  withdrawApplication: {
    // A valid body withdraws the draft; a fresh one takes its place for the next run.
    fixture: 'withdrawable',
    credential: () => ({ token: clerk }),
    params: () => ({ id: fixtures.withdrawable }),
    base: () => ({ reason: '误选救助活动，撤回后重新申请' }),
    restore: async () => {
      fixtures.withdrawable = await draftAt(clerk, PREFIX, small);
    },
  },
  checkEligibility: {
    credential: () => ({ token: clerk }),
    base: () => {
      const { campaignId: _, ...candidate } = applicationBody({ courtPrefix: PREFIX });
      return { campaignId: 'demo', candidates: [candidate] };
    },
  },
};

/** After a decision went through: back to pending at SH0115 (return from SH and resubmit, or a new one). */
async function restorePending() {
  const read = async () => (await api('GET', `/applications/${fixtures.pending}`, { token: clerk })).body;
  let app = await read();
  if (app.status === 'pending_approval' && app.pendingAt === COURT) return;
  if (app.status === 'pending_approval' && app.pendingAt === 'SH') {
    const back = await decide(fixtures.pending, highApprover, 'return', '退回重审');
    expect(back.status, show(back)).toBe(200);
    app = await read();
  }
  if (app.status === 'returned') {
    await submit(fixtures.pending, clerk);
    return;
  }
  fixtures.pending = await pendingAt(clerk, PREFIX, small);
}

const jsonRoutes = apiRoutes.filter((r) => r.spec.body !== undefined);

beforeAll(async () => {
  clerk = await token(COURT, ['clerk'], 'fuzz-clerk');
  approver = await token(COURT, ['approver'], 'fuzz-approver');
  highApprover = await token('SH', ['approver'], 'fuzz-approver-high');
  spcAdmin = await token('SPC', ['spc-admin'], 'fuzz-spc');
  const route = [approver, highApprover];
  const [draft, pending, paid, closed, resumed, withdrawable] = await Promise.all([
    draftAt(clerk, PREFIX, small),
    pendingAt(clerk, PREFIX, small),
    paidAt(clerk, PREFIX, route, small),
    paidAt(clerk, PREFIX, route, small).then(async (id) => {
      await close(id, clerk);
      return id;
    }),
    paidAt(clerk, PREFIX, route, small).then(async (id) => {
      await close(id, clerk);
      await resume(id, clerk);
      return id;
    }),
    draftAt(clerk, PREFIX, small),
  ]);
  Object.assign(fixtures, { draft, pending, paid, closed, resumed, withdrawable });
}, 90_000);

// ---------------------------------------------------------------------------------------------
// Requests and snapshots

interface Snapshot {
  applications: number;
  fixture?: Awaited<ReturnType<typeof footprint>>;
  quota?: unknown;
  narrative?: unknown;
}

async function countApplications(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api(
      'GET',
      `/applications?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: clerk },
    );
    expect(res.status, show(res)).toBe(200);
    count += res.body.items.length;
    cursor = res.body.nextCursor;
  } while (cursor);
  return count;
}

async function snapshot(route: Route, target: FuzzTarget): Promise<Snapshot> {
  const [applications, fixture, quota, narrative] = await Promise.all([
    countApplications(),
    target.fixture ? footprint(fixtures[target.fixture], clerk) : undefined,
    route.spec.operationId === 'putQuota'
      ? api('GET', QUOTA_PATH, { token: spcAdmin }).then((r) => r.body)
      : undefined,
    route.spec.operationId === 'putReportNarrative'
      ? api('GET', '/campaigns/demo/reports', { token: spcAdmin }).then((r) =>
          r.body.byHighCourt
            .filter((row: { highCourtCode: string }) => row.highCourtCode === 'XZ')
            .map((row: { effects: unknown; effectsUpdatedAt: unknown }) => [
              row.effects,
              row.effectsUpdatedAt,
            ]),
        )
      : undefined,
  ]);
  return {
    applications,
    ...(fixture ? { fixture } : {}),
    ...(quota ? { quota } : {}),
    ...(narrative ? { narrative } : {}),
  };
}

function pathOf(route: Route, params: Record<string, string> = {}) {
  return route.spec.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** Sends raw bytes (so malformed bodies and content types are exactly what the test says). */
async function send(
  route: Route,
  target: FuzzTarget,
  raw: Buffer,
  contentType: string | null,
  extraHeaders: Record<string, string> = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (contentType !== null) headers['content-type'] = contentType;
  const { token: bearer } = target.credential();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (route.spec.operationId === 'insurerWebhook') {
    headers['relief-signature'] = signPayload(
      raw.toString('utf8'),
      inject('webhookSecret'),
      Math.floor(Date.now() / 1000),
    );
  }
  const res = await fetch(`${baseUrl()}${pathOf(route, target.params?.())}`, {
    method: route.spec.method,
    headers,
    body: new Uint8Array(raw),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body };
}

/** One request, checked against the invariants; returns the response for further checks. */
async function probe(
  route: Route,
  target: FuzzTarget,
  raw: Buffer,
  contentType: string | null,
  what: string,
): Promise<ApiResponse> {
  const before = await snapshot(route, target);
  const res = await send(route, target, raw, contentType, target.headers?.(before) ?? {});
  const context = `${route.spec.operationId} with ${what}: ${res.status} ${show(res)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(200);
  expect(res.status, context).toBeLessThan(500);
  if (res.status >= 400) {
    expectProblem(res);
    expect(await snapshot(route, target), `a refusal wrote something: ${context}`).toEqual(before);
  } else {
    await target.restore?.();
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// The suites

describe('fuzz targets', () => {
  it('cover every route with a JSON body (a new one must be added to TARGETS)', () => {
    expect(jsonRoutes.map((r) => r.spec.operationId).filter((op) => !(op in TARGETS))).toEqual([]);
    expect(jsonRoutes.length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(jsonRoutes.map((r) => [r.spec.operationId, r] as const))('%s', (operationId, route) => {
  const target = TARGETS[operationId] as FuzzTarget;

  it(
    `answers ${RUNS} generated bodies with 2xx or problem+json 4xx, never 5xx, and writes nothing when it refuses`,
    async () => {
      const template = target.base();
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(caseArbitrary(template), async (c) => {
          const body = applyCase(target.base(), c);
          const raw = Buffer.from(JSON.stringify(body) ?? 'null', 'utf8');
          const res = await probe(route, target, raw, 'application/json', describeCase(c));
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        }),
        {
          numRuns: RUNS,
          endOnFailure: true,
          // The valid body always runs once: the route must also be reachable past validation.
          examples: [[{ kind: 'valid' }]],
          ...(SEED === undefined ? {} : { seed: SEED }),
        },
      );
      if (process.env.FUZZ_VERBOSE) console.log(`${operationId} statuses`, JSON.stringify([...seen].sort()));
      // The run reached past validation at least once (not everything was a 400).
      expect(
        [...seen.keys()].some((s) => s !== 400 && s !== 413),
        JSON.stringify([...seen]),
      ).toBe(true);
    },
    60_000 + RUNS * 600,
  );

  it('refuses malformed JSON bytes with 400/413 problem+json and writes nothing', async () => {
    for (const [what, raw] of MALFORMED) {
      const res = await probe(route, target, raw, 'application/json', what);
      expect([400, 413], `${operationId} ${what}: ${res.status} ${show(res)}`).toContain(res.status);
    }
  });

  it('refuses a valid body sent as another content type with 400/415 and writes nothing', async () => {
    const raw = Buffer.from(JSON.stringify(target.base()), 'utf8');
    for (const contentType of WRONG_CONTENT_TYPES) {
      const res = await probe(route, target, raw, contentType, `content-type ${contentType}`);
      expect([400, 415], `${operationId} as ${contentType}: ${res.status} ${show(res)}`).toContain(
        res.status,
      );
    }
  });
});

const MALFORMED: [string, Buffer][] = [
  ['an empty body', Buffer.alloc(0)],
  ['a truncated object', Buffer.from('{"campaignId": "demo", "case": {')],
  ['a trailing comma', Buffer.from('{"a": 1,}')],
  ['single quotes', Buffer.from("{'a': 1}")],
  ['a bare word', Buffer.from('undefined')],
  ['NaN', Buffer.from('{"amountFen": NaN}')],
  ['two documents', Buffer.from('{}{}')],
  ['a byte order mark', Buffer.from('\uFEFF{}', 'utf8')],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d])],
  ['NUL bytes', Buffer.from([0, 0, 0, 0])],
  ['JSON null', Buffer.from('null')],
  ['a JSON array', Buffer.from('[]')],
  ['a JSON string', Buffer.from('"x"')],
  ['a number overflowing double', Buffer.from('1e400')],
  [
    '__proto__ and constructor keys',
    Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
  ],
  ['30,000 nested arrays', Buffer.from(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)],
  ['30,000 nested objects', Buffer.from(`${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`)],
  ['100 KB of one string', Buffer.from(JSON.stringify({ a: 'x'.repeat(100_000) }))],
];

const WRONG_CONTENT_TYPES: (string | null)[] = [
  null,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/jsonp',
];

/** Never accepted in a name (INVALID_TEXT): C0 incl. tab/newline, DEL, C1, U+2028/9, bidi controls, lone surrogates. */
const NOT_TEXT = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

describe('unicode edge cases in free text', () => {
  it.each([...EDGE_STRINGS, ...LONE_SURROGATES].map((s) => [JSON.stringify(s), s] as const))(
    '%s in names and statements is stored and read back unchanged (400 INVALID_TEXT for control characters, bidi controls and lone surrogates; 400 when blank)',
    async (_label, text) => {
      const route = apiRoutes.find((r) => r.spec.operationId === 'createApplication') as Route;
      const target = TARGETS.createApplication as FuzzTarget;
      const body = applicationBody({ courtPrefix: PREFIX });
      small(body);
      body.applicant.name = text;
      body.bankAccount.holderName = text;
      body.bankAccount.bankName = text;
      body.hardship.statement = text;
      const res = await probe(route, target, Buffer.from(JSON.stringify(body)), 'application/json', text);
      // Names are required (non-blank after trimming); any other clean text is accepted as is.
      expect(res.status, show(res)).toBe(NOT_TEXT.test(text) || text.trim() === '' ? 400 : 201);
      if (NOT_TEXT.test(text)) expect(res.body.code).toBe('INVALID_TEXT');
      if (res.status === 201) {
        const read = await api('GET', `/applications/${res.body.id}`, { token: clerk });
        expect(read.status).toBe(200);
        expect(read.body.applicant.name).toBe(text);
        expect(read.body.hardship.statement).toBe(text);
        expect(read.body.bankAccount.bankName).toBe(text);
      }
    },
  );
});

describe('query strings of the list routes', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  /** Cursors a client could forge: right partition, wrong or missing keys; other partitions; junk. */
  const FORGED_CURSORS = [
    b64({ gsi1pk: `COURT#${COURT}` }),
    b64({ gsi1pk: `COURT#${COURT}`, gsi1sk: 'x' }),
    b64({ gsi1pk: `COURT#${COURT}`, gsi1sk: 'x', pk: 'APP#x', sk: 'APP' }),
    b64({ gsi1pk: `COURT#${COURT}`, pk: 'APP#x', sk: 'APP', extra: 'y' }),
    b64({ gsi1pk: 'COURT#BJ0108', gsi1sk: 'x', pk: 'APP#x', sk: 'APP' }),
    b64({ gsi1pk: `COURT#${COURT}`, gsi1sk: 'x'.repeat(2000) }),
    b64([]),
    b64(null),
    'not base64 at all!',
    '%00',
  ];

  it.each(FORGED_CURSORS.map((c) => [c.slice(0, 40), c] as const))(
    'refuses the forged cursor %s with a 4xx problem, never a 5xx, and leaks no foreign application',
    async (_label, cursor) => {
      const res = await api('GET', `/applications?limit=5&cursor=${encodeURIComponent(cursor)}`, {
        token: clerk,
      });
      expect(res.status, show(res)).toBeLessThan(500);
      if (res.status >= 400) expectProblem(res);
      else for (const item of res.body.items) expect(item.courtCode).toBe(COURT);
    },
  );

  it(`answers ${RUNS} generated query strings on GET /applications and GET /courts without a 5xx`, async () => {
    const value = fc.oneof(
      unicodeString,
      fc.integer().map(String),
      fc.constantFrom('', '0', '-1', '201', '1e3', '1.5', 'NaN'),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'limit',
        'cursor',
        'status',
        'campaignId',
        'courtCode',
        'level',
        'parentCode',
        'province',
        'x',
      ),
      value,
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/applications', '/courts'), query, async (path, params) => {
        const qs = new URLSearchParams(params).toString();
        const res = await api('GET', `${path}?${qs}`, { token: clerk });
        expect(res.status, `${path}?${qs}: ${show(res)}`).toBeLessThan(500);
        if (res.status >= 400) expectProblem(res);
      }),
      { numRuns: RUNS * 2, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});

describe('credentials and precondition headers', () => {
  const b64 = (v: unknown) =>
    Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const printable = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 300,
  });
  /** JWT-shaped junk: any JSON header (alg none, HS256, a jku/x5u pointing elsewhere…), any JSON claims. */
  const jwtShaped = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          { alg: 'none', typ: 'JWT' },
          { alg: 'HS256', typ: 'JWT' },
          { alg: 'ES256', jku: 'http://127.0.0.1:1/jwks.json' },
          { alg: 'RS256', x5u: 'http://127.0.0.1:1/cert' },
          { alg: 'ES256', kid: '../../../../dev/null' },
          { alg: 'ES256', crit: ['exp'] },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      fc.oneof(
        fc.constantFrom({ sub: 'x', court: 'SPC', roles: ['spc-admin'], exp: 9_999_999_999 }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      fc.oneof(
        fc.constant(''),
        printable.map((x) => b64(x)),
      ),
    )
    .map(([h, p, sig]) => `Bearer ${b64(h)}.${b64(p)}.${sig}`);

  it(`answers ${RUNS * 2} junk Authorization headers on a protected route with 401 problem+json, never more`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          printable,
          printable.map((x) => `Bearer ${x}`),
          jwtShaped,
        ),
        async (header) => {
          const res = await api('GET', '/applications', { headers: { authorization: header } });
          expect(res.status, `${header.slice(0, 120)}: ${show(res)}`).toBe(401);
          expectProblem(res);
        },
      ),
      { numRuns: RUNS * 2, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });

  it(`answers ${RUNS} junk If-Match and Idempotency-Key headers with a 4xx problem and writes nothing`, async () => {
    const patch = apiRoutes.find((r) => r.spec.operationId === 'patchApplication') as Route;
    const create = apiRoutes.find((r) => r.spec.operationId === 'createApplication') as Route;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), printable, async (onPatch, value) => {
        const route = onPatch ? patch : create;
        const target = TARGETS[route.spec.operationId] as FuzzTarget;
        const before = await snapshot(route, target);
        const headers: Record<string, string> = onPatch
          ? { 'if-match': value }
          : { 'idempotency-key': value };
        const res = await send(
          route,
          target,
          Buffer.from(JSON.stringify(target.base())),
          'application/json',
          headers,
        );
        expect(res.status, `${route.spec.operationId} ${JSON.stringify(headers)}: ${show(res)}`).toBeLessThan(
          500,
        );
        if (res.status >= 400) {
          expectProblem(res);
          expect(await snapshot(route, target)).toEqual(before);
        }
      }),
      { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
