import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../functions/http/routes.ts';
import type { DeclaredRoute as Route } from '../../../functions/lib/route-spec.ts';
import { type ApiResponse, api, token } from '../../support/api.ts';
import { draftAt, expectProblem, footprint, paidAt, pendingAt, show, unknownId } from './support.ts';

/**
 * The jurisdiction matrix: every route in `apiRoutes` × every kind of caller, against the contract
 * (api-contract.md "Conventions" and "Identity and roles"):
 *   401 without a valid token · 404 outside the caller's jurisdiction (a foreign court's application
 *   is indistinguishable from one that does not exist) · 403 inside it with a role that may not act ·
 *   public routes answer everyone.
 *
 * Fixtures (built once, through the API): applications executed by 北京市海淀区人民法院 (BJ0108, a basic
 * court whose route is BJ0108 → BJ01 → BJ) in the states the routes need — a draft, one pending approval
 * at BJ0108, one paid — and, for the "subordinate" relation, a draft executed by 北京一中院 (BJ01) that
 * BJ0108 sits under. Callers, relative to the executing court:
 *   own                    BJ0108   (the executing court)
 *   superior-intermediate  BJ01     (北京一中院)
 *   superior-high          BJ       (北京高院)
 *   superior-spc           SPC
 *   subordinate            BJ0108 looking at the BJ01 draft (a basic court has no court below it)
 *   sibling                BJ0105   (朝阳, same province, another branch: BJ03)
 *   other-province-basic   SH0115   (浦东)
 *   other-province-high    SH       (上海高院)
 * each as clerk and as approver, plus spc-admin at the SPC; and five credentials that are not valid
 * tokens. Every state-changing request is valid for its schema (the handler validates the body before
 * the use case checks jurisdiction) and would be refused by business rules even for the one caller
 * allowed in — stale If-Match, missing documents, reject without comment, a court that holds no quota,
 * a ruling dated before the payout, a status that does not allow the step — so the matrix never
 * changes its own fixtures (the last test proves it) and the allowed caller's answer names that rule.
 */

// ---------------------------------------------------------------------------------------------
// Callers

type Relation =
  | 'own'
  | 'superior-intermediate'
  | 'superior-high'
  | 'superior-spc'
  | 'subordinate'
  | 'sibling'
  | 'other-province-basic'
  | 'other-province-high';
type Role = 'clerk' | 'approver' | 'spc-admin';
type Credential = 'none' | 'expired' | 'forged-signature' | 'foreign-audience' | 'tampered-claims';

/** Which executing court's fixtures a caller is pointed at. */
type TargetName = 'haidian' | 'bj01';

interface PrincipalCaller {
  kind: 'principal';
  relation: Relation;
  court: string;
  role: Role;
  target: TargetName;
  label: string;
}
interface AnonymousCaller {
  kind: 'anonymous';
  credential: Credential;
  target: TargetName;
  label: string;
}
type Caller = PrincipalCaller | AnonymousCaller;

/** Where each relation sits, and whether the contract lets it see the target's applications. */
const RELATIONS: { relation: Relation; court: string; target: TargetName; inside: boolean }[] = [
  { relation: 'own', court: 'BJ0108', target: 'haidian', inside: true },
  { relation: 'superior-intermediate', court: 'BJ01', target: 'haidian', inside: true },
  { relation: 'superior-high', court: 'BJ', target: 'haidian', inside: true },
  { relation: 'superior-spc', court: 'SPC', target: 'haidian', inside: true },
  { relation: 'subordinate', court: 'BJ0108', target: 'bj01', inside: false },
  { relation: 'sibling', court: 'BJ0105', target: 'haidian', inside: false },
  { relation: 'other-province-basic', court: 'SH0115', target: 'haidian', inside: false },
  { relation: 'other-province-high', court: 'SH', target: 'haidian', inside: false },
];
const INSIDE = new Map(RELATIONS.map((r) => [r.relation, r.inside]));

const CALLERS: Caller[] = [
  ...RELATIONS.flatMap(({ relation, court, target }) =>
    (court === 'SPC' ? (['clerk', 'approver', 'spc-admin'] as const) : (['clerk', 'approver'] as const)).map(
      (role): PrincipalCaller => ({
        kind: 'principal',
        relation,
        court,
        role,
        target,
        label: `${role}@${court} (${relation})`,
      }),
    ),
  ),
  ...(['none', 'expired', 'forged-signature', 'foreign-audience', 'tampered-claims'] as const).map(
    (credential): AnonymousCaller => ({
      kind: 'anonymous',
      credential,
      target: 'haidian',
      label: `${credential === 'none' ? 'no' : credential} token`,
    }),
  ),
];

// ---------------------------------------------------------------------------------------------
// Expectations, keyed by operationId

interface Target {
  /** Executing court and its case-number prefix. */
  courtCode: string;
  draft: string;
  pending: string;
  paid: string;
  /** A document of `pending` (uploaded). */
  documentId: string;
}

interface Probe {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** A body sent as it is (a text/csv statement), instead of `body` as JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** An expected status, optionally with the problem code that proves which rule answered. */
type Outcome = number | readonly [status: number, code: string];

interface Expectation {
  /** A request that is valid for the route's schemas, aimed at the caller's target fixtures. */
  probe: (t: Target) => Probe;
  expect: (caller: Caller) => Outcome;
  /** For a 200 that answers per item (decideBatch): the code of the probe's first item. */
  itemCode?: (caller: PrincipalCaller) => string;
}

const inside = (c: PrincipalCaller) => INSIDE.get(c.relation) === true;
const isExecutingClerk = (c: PrincipalCaller) => c.relation === 'own' && c.role === 'clerk';
const HIGH_COURTS = new Set(['BJ', 'SH']);

/** Public: no token needed, any token ignored. */
const publicRoute = (): Outcome => 200;

/** Any valid token: reference data (court data and campaigns are public to authenticated callers). */
const anyValidToken =
  (ok: Outcome) =>
  (c: Caller): Outcome =>
    c.kind === 'anonymous' ? 401 : ok;

/** Reads of an application: everyone inside the jurisdiction, whatever their role. */
const withinJurisdiction =
  (ok: Outcome) =>
  (c: Caller): Outcome => {
    if (c.kind === 'anonymous') return 401;
    return inside(c) ? ok : 404;
  };

/** Changes by the executing court's clerk only: 404 outside, 403 inside with another court or role. */
const executingClerk =
  (ok: Outcome) =>
  (c: Caller): Outcome => {
    if (c.kind === 'anonymous') return 401;
    if (!inside(c)) return 404;
    return isExecutingClerk(c) ? ok : 403;
  };

const EXPECTATIONS: Record<string, Expectation> = {
  health: { probe: () => ({}), expect: publicRoute },
  openapi: { probe: () => ({}), expect: publicRoute },
  getCourt: { probe: () => ({ params: { code: 'BJ0108' } }), expect: anyValidToken(200) },
  listCourts: { probe: () => ({ query: 'province=BJ' }), expect: anyValidToken(200) },
  getCourtAudit: { probe: () => ({ params: { code: 'BJ0108' } }), expect: anyValidToken(200) },
  putCourt: {
    // Only an SPC administrator changes the registry; the probe's parent is in another province, so
    // even the administrator changes nothing (422).
    probe: () => ({
      params: { code: 'BJ0108' },
      body: {
        name: '北京市海淀区人民法院',
        level: 'basic',
        parentCode: 'TJ01',
        province: 'BJ',
        directToHighCourt: false,
        caseCourtPrefix: '京0108',
      },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' && c.court === 'SPC'
        ? [422, 'COURT_PARENT_CROSSES_PROVINCE']
        : [403, 'ROLE_FORBIDDEN'];
    },
  },
  importCourts: {
    // Only an SPC administrator imports; the probe is a dry run whose row's parent is in another
    // province, so even the administrator changes nothing (422).
    probe: () => ({
      body: {
        dryRun: true,
        courts: [
          {
            code: 'BJ0108',
            name: '北京市海淀区人民法院',
            level: 'basic',
            parentCode: 'TJ01',
            province: 'BJ',
            directToHighCourt: false,
            caseCourtPrefix: '京0108',
          },
        ],
      },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' && c.court === 'SPC'
        ? [422, 'COURT_PARENT_CROSSES_PROVINCE']
        : [403, 'ROLE_FORBIDDEN'];
    },
  },
  listCampaigns: { probe: () => ({}), expect: anyValidToken(200) },
  getCampaign: { probe: () => ({ params: { campaignId: 'demo' } }), expect: anyValidToken(200) },
  createCampaign: {
    // Only an SPC administrator creates campaigns; the id is taken, so nothing is created.
    probe: () => ({
      body: {
        id: 'demo',
        name: '矩阵测试活动',
        preparation: { start: '2030-01-01', end: '2030-01-10' },
        handling: { start: '2030-01-11', end: '2030-02-28' },
        reportDue: '2030-03-15',
        standardLimitFen: 5_000_000,
        specialLimitFen: 10_000_000,
      },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' ? [409, 'CAMPAIGN_EXISTS'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  patchCampaign: {
    // Only an SPC administrator changes campaigns; the If-Match is stale, so nothing changes.
    probe: () => ({
      params: { campaignId: 'demo' },
      headers: { 'if-match': '"v999"' },
      body: { name: '矩阵测试活动' },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' ? [409, 'VERSION_CONFLICT'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  getCampaignAudit: {
    // A campaign's change trail is read at the SPC (any role there); a court below it may not.
    probe: () => ({ params: { campaignId: 'demo' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.court === 'SPC' ? 200 : [403, 'CAMPAIGN_AUDIT_NOT_VISIBLE'];
    },
  },
  createApplication: {
    // The executing court is the caller's own court, so there is no foreign target: a clerk anywhere
    // but the SPC is let in (and refused here for an unknown campaign, so nothing is created).
    probe: (t) => ({
      body: { ...bodyFor(t.courtCode), campaignId: 'no-such-campaign' },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.role !== 'clerk') return [403, 'ROLE_FORBIDDEN'];
      return c.court === 'SPC' ? [403, 'COURT_CANNOT_EXECUTE'] : [422, 'UNKNOWN_CAMPAIGN'];
    },
  },
  listApplications: {
    probe: (t) => ({ query: `courtCode=${t.courtCode}&limit=200` }),
    expect: withinJurisdiction(200),
  },
  getApplication: { probe: (t) => ({ params: { id: t.draft } }), expect: withinJurisdiction(200) },
  patchApplication: {
    probe: (t) => ({
      params: { id: t.draft },
      headers: { 'if-match': '"v999"' },
      body: { hardship: { statement: '申请执行人家庭困难。' } },
    }),
    expect: executingClerk([409, 'VERSION_CONFLICT']),
  },
  getApplicationAudit: { probe: (t) => ({ params: { id: t.draft } }), expect: withinJurisdiction(200) },
  withdrawApplication: {
    // Pending approval cannot be withdrawn: the one caller let in is refused, the fixture stays.
    probe: (t) => ({ params: { id: t.pending }, body: { reason: '误选救助活动，撤回后重新申请' } }),
    expect: executingClerk([409, 'INVALID_STATUS']),
  },
  requestDocumentUpload: {
    probe: (t) => ({
      params: { id: t.pending },
      body: { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: 'a'.repeat(64) },
    }),
    expect: executingClerk([409, 'MATERIALS_FROZEN']),
  },
  requestDocumentUploads: {
    probe: (t) => ({
      params: { id: t.pending },
      body: {
        documents: [
          { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: 'a'.repeat(64) },
          { type: 'bank-account', contentType: 'image/png', sizeBytes: 10, sha256: 'b'.repeat(64) },
        ],
      },
    }),
    expect: executingClerk([409, 'MATERIALS_FROZEN']),
  },
  listDocuments: { probe: (t) => ({ params: { id: t.pending } }), expect: withinJurisdiction(200) },
  getDocument: {
    probe: (t) => ({ params: { id: t.pending, documentId: t.documentId } }),
    expect: withinJurisdiction(200),
  },
  submitApplication: {
    probe: (t) => ({
      params: { id: t.draft },
      body: { approvalForm: { reviewOpinion: '同意报请审批', reviewedBy: '矩阵法官' } },
    }),
    expect: executingClerk([422, 'MATERIALS_INCOMPLETE']),
  },
  decideApplication: {
    // Only an approver of the court where the application waits (BJ0108) is let in; a reject
    // without a comment is then refused, so the application keeps waiting.
    probe: (t) => ({ params: { id: t.pending }, body: { decision: 'reject', comment: '' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (!inside(c)) return 404;
      if (c.role !== 'approver') return [403, 'ROLE_FORBIDDEN'];
      return c.relation === 'own' ? [422, 'COMMENT_REQUIRED'] : [403, 'NOT_PENDING_AT_YOUR_COURT'];
    },
  },
  decideBatch: {
    // The same probe as decideApplication's, as a batch of one: the batch is refused as a whole only
    // for a caller who is not an approver; an approver's item gets the single decision's refusal.
    probe: (t) => ({ body: { items: [{ applicationId: t.pending, decision: 'reject', comment: '' }] } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'approver' ? 200 : [403, 'ROLE_FORBIDDEN'];
    },
    itemCode: (c) => {
      if (!inside(c)) return 'NOT_FOUND';
      return c.relation === 'own' ? 'COMMENT_REQUIRED' : 'NOT_PENDING_AT_YOUR_COURT';
    },
  },
  putQuota: {
    // Only an SPC administrator allocates; BJ01 holds no quota, so nothing is allocated.
    probe: () => ({ params: { campaignId: 'demo', highCourtCode: 'BJ01' }, body: { allocatedFen: 1 } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' ? [422, 'NOT_A_QUOTA_HOLDER'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  listQuotas: {
    // Quotas are read by the SPC (all) and by each high court (its own); below that, never (403).
    probe: () => ({ params: { campaignId: 'demo' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.court === 'SPC' || HIGH_COURTS.has(c.court) ? 200 : [403, 'QUOTA_NOT_VISIBLE'];
    },
  },
  getQuota: {
    // The target's quota holder is BJ: another high court gets 404 (not yours), a lower court 403.
    probe: () => ({ params: { campaignId: 'demo', highCourtCode: 'BJ' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.court === 'SPC' || c.court === 'BJ') return 200;
      return HIGH_COURTS.has(c.court) ? [404, 'NOT_FOUND'] : [403, 'QUOTA_NOT_VISIBLE'];
    },
  },
  getQuotaAudit: {
    // Whoever may read the quota reads its trail: the SPC, and BJ itself; another high court 404, below 403.
    probe: () => ({ params: { campaignId: 'demo', highCourtCode: 'BJ' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.court === 'SPC' || c.court === 'BJ') return 200;
      return HIGH_COURTS.has(c.court) ? [404, 'NOT_FOUND'] : [403, 'QUOTA_NOT_VISIBLE'];
    },
  },
  insurerWebhook: {
    // The insurer authenticates by signature only: a court token, valid or not, is no signature.
    probe: () => ({
      body: {
        id: `evt-matrix-${Date.now()}`,
        type: 'payout.succeeded',
        packageId: 'pkg-matrix',
        amountFen: 1,
        paidAt: new Date().toISOString(),
        transactionRef: 'T-MATRIX',
      },
    }),
    expect: () => [401, 'INVALID_SIGNATURE'],
  },
  getInsurerPackage: {
    // Signed by the insurer like the webhook: a court token, valid or not, is no signature.
    probe: () => ({ params: { packageId: 'pkg-matrix' } }),
    expect: () => [401, 'INVALID_SIGNATURE'],
  },
  redeliverInsurerPackage: {
    probe: () => ({ params: { packageId: 'pkg-matrix' } }),
    expect: () => [401, 'INVALID_SIGNATURE'],
  },
  createReconciliation: {
    // Only an SPC administrator reconciles; the statement lacks its columns, so nothing is stored.
    probe: () => ({
      params: { campaignId: 'demo' },
      rawBody: 'packageId,amountFen\nPKG-MATRIX,1\n',
      headers: { 'content-type': 'text/csv' },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' ? [422, 'STATEMENT_INVALID'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  getReconciliation: {
    probe: () => ({ params: { campaignId: 'demo', id: '01JZZZZZZZZZZZZZZZZZZZZZZZ' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.role === 'spc-admin' ? [404, 'NOT_FOUND'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  reviewDocument: {
    // Only the approver of the court where it waits may review a pending application's scans; a
    // rejection without a reason is then refused, so the document stays as it is.
    probe: (t) => ({
      params: { id: t.pending, documentId: t.documentId },
      body: { verdict: 'rejected', reason: '' },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (!inside(c)) return 404;
      if (c.role === 'approver') {
        return c.relation === 'own' ? [422, 'REVIEW_REASON_REQUIRED'] : [403, 'NOT_PENDING_AT_YOUR_COURT'];
      }
      return isExecutingClerk(c) ? [409, 'MATERIALS_FROZEN'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  getRuling: { probe: (t) => ({ params: { id: t.paid } }), expect: withinJurisdiction(200) },
  closeApplication: {
    probe: (t) => ({
      params: { id: t.paid },
      body: { rulingNumber: '(2024)京0108执恢1号', issuedAt: '2000-01-01' },
    }),
    expect: executingClerk([422, 'RULING_BEFORE_PAYOUT']),
  },
  resumeEnforcement: {
    probe: (t) => ({
      params: { id: t.paid },
      body: { reason: 'assets-found', basis: '发现被执行人名下车辆', amountFen: 1 },
    }),
    expect: executingClerk([409, 'INVALID_STATUS']),
  },
  recordRecovery: {
    probe: (t) => ({
      params: { id: t.paid },
      body: { amountFen: 1, receivedAt: '2024-06-01', reference: 'R-1' },
    }),
    expect: executingClerk([409, 'INVALID_STATUS']),
  },
  liftMeasure: {
    probe: (t) => ({ params: { id: t.paid }, body: { reference: 'M-1', basis: '执行到位' } }),
    expect: executingClerk([409, 'INVALID_STATUS']),
  },
  recordAssetCheck: {
    probe: (t) => ({
      params: { id: t.paid },
      body: {
        checkedAt: '2024-06-01',
        method: 'network-inquiry',
        result: 'none-found',
        detail: '未发现财产',
      },
    }),
    expect: executingClerk([409, 'NOT_RELIEF_CLOSED']),
  },
  dismissResumption: {
    probe: (t) => ({ params: { id: t.paid }, body: { reason: '查询所得财产已设定抵押，暂不恢复执行。' } }),
    expect: executingClerk([409, 'RESUMPTION_NOT_DUE']),
  },
  listDueChecks: {
    probe: (t) => ({ query: `courtCode=${t.courtCode}&limit=200` }),
    expect: withinJurisdiction(200),
  },
  getReliefFund: {
    // The relief fund is read by the SPC's administrators (all) and by each high court (its province).
    probe: () => ({ query: 'campaignId=demo' }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.court === 'SPC') return c.role === 'spc-admin' ? 200 : [403, 'FUND_NOT_VISIBLE'];
      return HIGH_COURTS.has(c.court) ? 200 : [403, 'FUND_NOT_VISIBLE'];
    },
  },
  getReport: {
    // Reports are read by the SPC (all) and by each high court (its jurisdiction); below that, never.
    probe: () => ({ params: { campaignId: 'demo' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.court === 'SPC' || HIGH_COURTS.has(c.court) ? 200 : [403, 'REPORT_NOT_VISIBLE'];
    },
  },
  freezeReport: {
    // Only the high court itself freezes its report; BJ's demo-prep report was frozen in beforeAll,
    // so the one caller let in is refused as a repeat and nothing is stored.
    probe: () => ({ params: { campaignId: 'demo-prep', highCourtCode: 'BJ' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      return c.court === 'BJ' ? [409, 'REPORT_ALREADY_FROZEN'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  getFrozenReport: {
    probe: () => ({ params: { campaignId: 'demo-prep', highCourtCode: 'BJ' } }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.court === 'SPC' || c.court === 'BJ') return 200;
      return HIGH_COURTS.has(c.court) ? [404, 'NOT_FOUND'] : [403, 'REPORT_NOT_VISIBLE'];
    },
  },
  putReportNarrative: {
    // That high court's approvers or the SPC's administrators; BJ's demo-prep report is frozen (beforeAll),
    // so the callers let in are refused as writing after the freeze, and nothing is stored.
    probe: () => ({
      params: { campaignId: 'demo-prep', highCourtCode: 'BJ' },
      body: { effects: '矩阵测试的效果说明。' },
    }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      const allowed = c.court === 'SPC' ? c.role === 'spc-admin' : c.court === 'BJ' && c.role === 'approver';
      return allowed ? [409, 'REPORT_ALREADY_FROZEN'] : [403, 'ROLE_FORBIDDEN'];
    },
  },
  getReportSummary: {
    // One high court's written report: the SPC and that high court; another high court 404; below, 403.
    probe: () => ({ params: { campaignId: 'demo-prep' }, query: 'highCourtCode=BJ' }),
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.court === 'SPC' || c.court === 'BJ') return 200;
      return HIGH_COURTS.has(c.court) ? [404, 'NOT_FOUND'] : [403, 'REPORT_NOT_VISIBLE'];
    },
  },
  checkEligibility: {
    // Screening (排查) persists nothing and concerns the caller's own court only: no foreign target.
    probe: (t) => {
      const { campaignId: _, ...candidate } = bodyFor(t.courtCode);
      return { body: { campaignId: 'demo', candidates: [candidate] } };
    },
    expect: (c) => {
      if (c.kind === 'anonymous') return 401;
      if (c.role === 'spc-admin') return [403, 'ROLE_FORBIDDEN'];
      return c.court === 'SPC' ? [403, 'COURT_CANNOT_EXECUTE'] : 200;
    },
  },
};

function bodyFor(courtCode: string) {
  // A schema-valid application body; its content does not matter where the matrix uses it.
  return {
    campaignId: 'demo',
    case: {
      caseNumber: `(2024)京0108执${courtCode.length}号`,
      category: 'labor-remuneration',
      kind: 'enforcement',
      claimAmountFen: 100_000,
      concluded: false,
      terminationConditions: { met: true, basis: '无可供执行财产' },
    },
    applicant: { name: '矩阵', idType: 'resident-id', idNumber: '110105198001011234' },
    hardship: { statement: '困难' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: 100_000,
    bankAccount: {
      bankName: '银行',
      holderName: '矩阵',
      holderIdNumber: '110105198001011234',
      accountNumber: '6222020200112233445',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

const tokens = new Map<string, string>();
const targets = new Map<TargetName, Target>();

function credentialOf(caller: Caller): string | undefined {
  if (caller.kind === 'principal') return tokens.get(`${caller.role}@${caller.court}`);
  return caller.credential === 'none' ? undefined : tokens.get(caller.credential);
}

function pathOf(route: Route, params: Record<string, string> = {}): string {
  return route.spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.spec.operationId}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

async function call(route: Route, caller: Caller, target = targets.get(caller.target)): Promise<ApiResponse> {
  const expectation = EXPECTATIONS[route.spec.operationId];
  if (!expectation) throw new Error(`no expectation for ${route.spec.operationId}`);
  if (!target) throw new Error('fixtures missing');
  const probe = expectation.probe(target);
  const path = pathOf(route, probe.params) + (probe.query ? `?${probe.query}` : '');
  const credential = credentialOf(caller);
  const headers = { ...(probe.headers ?? {}) };
  if (credential) headers.authorization = `Bearer ${credential}`;
  return api(route.spec.method, path, {
    headers,
    ...(probe.body !== undefined ? { body: probe.body } : {}),
    ...(probe.rawBody !== undefined ? { rawBody: probe.rawBody } : {}),
  });
}

const statusOf = (o: Outcome) => (typeof o === 'number' ? o : o[0]);
const codeOf = (o: Outcome) => (typeof o === 'number' ? undefined : o[1]);

const UNAUTHORIZED_CODES: Record<Credential, string> = {
  none: 'TOKEN_MISSING',
  expired: 'TOKEN_EXPIRED',
  'forged-signature': 'TOKEN_INVALID',
  'foreign-audience': 'TOKEN_INVALID',
  'tampered-claims': 'TOKEN_INVALID',
};

// ---------------------------------------------------------------------------------------------
// Fixtures

let fixturesBefore: Record<string, Awaited<ReturnType<typeof footprint>>>;
let reader: string;

/** Credentials that are not valid tokens, each failing for another reason. */
async function invalidCredentials(expired: string) {
  const genuine = await token('BJ0105', ['clerk'], 'matrix-genuine');
  const header = decodeProtectedHeader(genuine);
  const claims = decodeJwt(genuine);
  const { privateKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  // The server's own key id, issuer and audience, signed by a key the server never saw.
  const forged = await new SignJWT({ court: 'SPC', roles: ['spc-admin'] })
    .setProtectedHeader({ alg: 'ES256', kid: header.kid as string, typ: 'JWT' })
    .setSubject('forger')
    .setIssuer(claims.iss as string)
    .setAudience(claims.aud as string)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  // A well-formed token for another relying party, from another issuer and key.
  const foreign = await new SignJWT({ court: 'BJ0108', roles: ['clerk', 'approver'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'foreign-key', typ: 'JWT' })
    .setSubject('outsider')
    .setIssuer('https://idp.elsewhere.example')
    .setAudience('some-other-api')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  // A genuine token whose claims were edited to the SPC's, its signature kept.
  const [h, , s] = genuine.split('.');
  const payload = Buffer.from(JSON.stringify({ ...claims, court: 'SPC', roles: ['spc-admin'] })).toString(
    'base64url',
  );
  tokens.set('expired', expired);
  tokens.set('forged-signature', forged);
  tokens.set('foreign-audience', foreign);
  tokens.set('tampered-claims', `${h}.${payload}.${s}`);
}

beforeAll(async () => {
  // Minted first so it has expired by the time the fixtures are ready. The verifier allows 5 s of
  // clock skew, so "expired" means more than exp + 5 s ago: wait until exp + 7 s below.
  const minted = await api<{ token: string }>('POST', '/dev/tokens', {
    body: { sub: 'matrix-expiring', court: 'BJ0108', roles: ['clerk'], expiresInSeconds: 1 },
  });
  expect(minted.status).toBe(201);
  const expired = minted.body.token;
  const expiredAt = (decodeJwt(expired).exp as number) * 1000;

  for (const caller of CALLERS) {
    if (caller.kind !== 'principal') continue;
    const key = `${caller.role}@${caller.court}`;
    if (!tokens.has(key))
      tokens.set(key, await token(caller.court, [caller.role], `matrix-${caller.role}-${caller.court}`));
  }
  await invalidCredentials(expired);

  const clerk = await token('BJ0108', ['clerk'], 'matrix-fixture-clerk');
  const bj01Clerk = await token('BJ01', ['clerk'], 'matrix-fixture-clerk-bj01');
  const approvers = await Promise.all(
    ['BJ0108', 'BJ01', 'BJ'].map((court) => token(court, ['approver'], `matrix-fixture-approver-${court}`)),
  );
  reader = await token('SPC', ['spc-admin'], 'matrix-reader');
  // The frozen report the report probes look at (a campaign no other suite freezes for BJ).
  const frozen = await api('POST', '/campaigns/demo-prep/reports/BJ/freeze', {
    token: approvers[2] as string,
  });
  expect(frozen.status, show(frozen)).toBe(201);
  const small = (b: { reliefAmountFen: number }) => {
    b.reliefAmountFen = 100_000;
  };
  const [draft, pending, paid, subordinateDraft] = await Promise.all([
    draftAt(clerk, '京0108'),
    pendingAt(clerk, '京0108'),
    paidAt(clerk, '京0108', approvers, small),
    draftAt(bj01Clerk, '京01'),
  ]);
  const docs = await api('GET', `/applications/${pending}/documents`, { token: clerk });
  const documentId = docs.body.items[0].documentId as string;
  // A real document of the BJ01 draft, so the subordinate's getDocument names an existing one.
  const subDoc = await api('POST', `/applications/${subordinateDraft}/documents`, {
    token: bj01Clerk,
    body: { type: 'identity', contentType: 'application/pdf', sizeBytes: 10, sha256: 'b'.repeat(64) },
  });
  expect(subDoc.status, show(subDoc)).toBe(201);
  targets.set('haidian', { courtCode: 'BJ0108', draft, pending, paid, documentId });
  targets.set('bj01', {
    courtCode: 'BJ01',
    draft: subordinateDraft,
    pending: subordinateDraft,
    paid: subordinateDraft,
    documentId: subDoc.body.documentId,
  });
  fixturesBefore = {};
  for (const [name, id] of Object.entries({ draft, pending, paid, subordinateDraft })) {
    fixturesBefore[name] = await footprint(id, reader);
  }
  expect(fixturesBefore).toMatchObject({
    draft: { status: 'draft' },
    pending: { status: 'pending_approval' },
    paid: { status: 'paid' },
    subordinateDraft: { status: 'draft' },
  });
  const wait = expiredAt + 7_000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}, 60_000);

// ---------------------------------------------------------------------------------------------
// The matrix

describe('the expectations table', () => {
  it('has an entry for every route in apiRoutes (a new route must be added here)', () => {
    const missing = apiRoutes.map((r) => r.spec.operationId).filter((op) => !(op in EXPECTATIONS));
    expect(missing).toEqual([]);
  });

  it('has no entry for a route that no longer exists', () => {
    const known = new Set(apiRoutes.map((r) => r.spec.operationId));
    expect(Object.keys(EXPECTATIONS).filter((op) => !known.has(op))).toEqual([]);
  });

  it('agrees with each route spec: public routes answer everyone, role-restricted routes refuse other roles with 403', () => {
    for (const route of apiRoutes) {
      const expectation = EXPECTATIONS[route.spec.operationId];
      if (!expectation) continue;
      for (const caller of CALLERS) {
        const status = statusOf(expectation.expect(caller));
        if (route.spec.auth === 'public') {
          expect(status, `${route.spec.operationId} ${caller.label}`).not.toBe(403);
          expect(status, `${route.spec.operationId} ${caller.label}`).not.toBe(404);
        } else if (caller.kind === 'anonymous') {
          expect(status, `${route.spec.operationId} ${caller.label}`).toBe(401);
        } else if (route.spec.roles && !route.spec.roles.includes(caller.role)) {
          expect(status, `${route.spec.operationId} ${caller.label}`).toBe(403);
        }
      }
    }
  });
});

for (const route of apiRoutes) {
  const { operationId, method, path } = route.spec;
  const expectation = EXPECTATIONS[operationId];
  describe(`${operationId} (${method} ${path}, auth ${route.spec.auth}${route.spec.roles ? `, roles ${route.spec.roles.join('|')}` : ''})`, () => {
    for (const caller of CALLERS) {
      const outcome = expectation?.expect(caller);
      const name =
        outcome === undefined
          ? `${caller.label}: no expectation`
          : `${caller.label} → ${statusOf(outcome)}${codeOf(outcome) ? ` ${codeOf(outcome)}` : ''}`;
      it(name, async () => {
        expect(outcome, `add ${operationId} to EXPECTATIONS`).toBeDefined();
        const expected = outcome as Outcome;
        const res = await call(route, caller);
        expect(res.status, `${method} ${path} as ${caller.label}: ${show(res)}`).toBe(statusOf(expected));
        if (res.status === 200 && expectation?.itemCode && caller.kind === 'principal') {
          expect(res.body.results[0].code, show(res)).toBe(expectation.itemCode(caller));
        }
        if (res.status >= 400) {
          expectProblem(res);
          const code = codeOf(expected);
          if (code) expect(res.body.code).toBe(code);
          if (res.status === 401 && caller.kind === 'anonymous' && route.spec.auth === 'jwt') {
            expect(res.body.code).toBe(UNAUTHORIZED_CODES[caller.credential]);
            expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
          }
          if (res.status === 404 && path.startsWith('/applications/'))
            expect(res.body.code).toBe('NOT_FOUND');
        }
      });
    }
  });
}

describe('outside the jurisdiction', () => {
  const idRoutes = apiRoutes.filter((r) => r.spec.path.startsWith('/applications/{id}'));

  it.each(idRoutes.map((r) => [r.spec.operationId, r] as const))(
    '%s answers a foreign court’s application exactly as an unknown id (nothing revealed)',
    async (_op, route) => {
      const caller = CALLERS.find(
        (c) => c.kind === 'principal' && c.relation === 'sibling' && c.role === 'clerk',
      ) as PrincipalCaller;
      const foreign = await call(route, caller);
      const haidian = targets.get('haidian') as Target;
      const fake = unknownId();
      const unknown = await call(route, caller, {
        courtCode: 'BJ0105',
        draft: fake,
        pending: fake,
        paid: fake,
        documentId: haidian.documentId,
      });
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(foreign.body).toEqual(unknown.body);
      expect(JSON.stringify(foreign.body)).not.toContain(haidian.draft);
    },
  );
});

describe('the matrix itself', () => {
  it('changed none of its fixtures (every probe was refused or read-only)', async () => {
    const haidian = targets.get('haidian') as Target;
    const bj01 = targets.get('bj01') as Target;
    const after: Record<string, Awaited<ReturnType<typeof footprint>>> = {};
    for (const [name, id] of Object.entries({
      draft: haidian.draft,
      pending: haidian.pending,
      paid: haidian.paid,
      subordinateDraft: bj01.draft,
    })) {
      after[name] = await footprint(id, reader);
    }
    expect(after).toEqual(fixturesBefore);
  });
});
