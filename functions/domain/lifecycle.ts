/**
 * The application's lifecycle as pure transitions: each takes the application as stored, the input of
 * the change and the time, and returns `{ next, audit, effects }` — the record to write, its audit
 * entry, and what must move in the same transaction (quota, outbox, duplicate lock, report counters,
 * relief-fund credit) — or throws a LifecycleRefusal (a domain error with a stable code). Every status
 * rule is here once; the use cases read, call a transition, and hand the result to the store.
 *
 *   draft ──submit──▶ pending_approval ──decide(approve, last level)──▶ awaiting_payout ──paid──▶ paid ──close──▶ closed ──resume──▶ resumed
 *     ▲   ◀──edit──  returned ◀──decide(return)──┘ │ └─decide(approve)─▶ next level      └─declined─▶ declined
 *     └ withdraw (draft | returned) ─▶ withdrawn    └─decide(reject)─▶ rejected
 *
 * The version moves in one place (`advance`): with every status change and every change a person
 * makes. The system's notes on an in-flight case (package dispatched or withheld) leave it as it is
 * (`annotate`): they are no edit a client's If-Match could have raced.
 */
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type DecisionEntry,
  type DocumentToReplace,
  type EvidenceDocument,
  type IntegrityHold,
  isInFlight,
  isWithClerk,
  type OutboxItem,
  type QuotaChange,
  type ReportCounter,
} from './application.ts';
import { type DecisionKind, decide as decideLevel } from './approval.ts';
import { waitingSince } from './approval-queue.ts';
import { type WaitCounter, waitCounters } from './approval-times.ts';
import type { ApplicationFacts, EligibilityFailure, Measure } from './eligibility.ts';
import {
  type AssetCheck,
  afterAssetCheck,
  assetCheckRefusal,
  liftRefusal,
  type Monitoring,
  measuresInForce,
  type OverdueEscalation,
  overdueToEscalate,
  promptsResumption,
  restrictionsLiftedOf,
} from './post-closure.ts';
import { reservationKey } from './quota.ts';
import { CLOSING_REASON } from './ruling.ts';

// The status sets (WITH_CLERK, IN_FLIGHT, PAID_OUT) live with the statuses in application.ts.
export { IN_FLIGHT, isInFlight, isPaidOut, isWithClerk, PAID_OUT, WITH_CLERK } from './application.ts';

/** A transition refused: nothing changes. `kind` says how a use case reports it (409, 403 or 422). */
export class LifecycleRefusal extends Error {
  override name = 'LifecycleRefusal';
  constructor(
    readonly kind: 'conflict' | 'forbidden' | 'unprocessable',
    readonly code: string,
    message: string,
    readonly errors?: { code: string; path: string; message: string }[],
  ) {
    super(message);
  }
}

const conflict = (code: string, message: string) => new LifecycleRefusal('conflict', code, message);
const invalidStatus = (message: string) => conflict('INVALID_STATUS', message);
const unprocessable = (code: string, message: string, path: string, item: string) =>
  new LifecycleRefusal('unprocessable', code, message, [{ code, path, message: item }]);

/** Who makes the change, as the audit entry records it (a principal or a system actor). */
export interface Actor {
  sub: string;
  court: string;
  roles: string[];
}

export interface TransitionAudit<A extends Actor> {
  actor: A;
  action: string;
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  detail: Record<string, unknown>;
}

/** What moves in the same transaction as the application. */
export interface Effects {
  quota?: QuotaChange;
  outbox?: OutboxItem[];
  /** The application is no longer open: the same case and applicant may apply again. */
  releaseDuplicateLock?: boolean;
  /** Report counter increments of this application (`paid`: also its paid-case keys). */
  report?: { add: Partial<Record<ReportCounter | WaitCounter, number>>; paid?: boolean };
  fundCredit?: { campaignId: string; amountFen: number; reference: string; receivedAt: string };
}

export interface Transition<A extends Actor = Actor> {
  next: ApplicationRecord;
  audit: TransitionAudit<A>;
  effects: Effects;
}

/** The one place the version moves. */
function advance(app: ApplicationRecord, changes: Partial<ApplicationRecord>): ApplicationRecord {
  return { ...app, ...changes, version: app.version + 1 };
}

/** A system note on an in-flight case: the version stays (see the file comment). */
function annotate(app: ApplicationRecord, changes: Partial<ApplicationRecord>): ApplicationRecord {
  return { ...app, ...changes };
}

function audit<A extends Actor>(
  actor: A,
  action: string,
  from: ApplicationStatus | null,
  to: ApplicationStatus | null,
  detail: Record<string, unknown>,
): TransitionAudit<A> {
  return { actor, action, fromStatus: from, toStatus: to, detail };
}

/** A transition with its guard alone, for a use case that checks before the work the input needs. */
type WithGuard<F, G> = F & { guard: G };
function guarded<F, G>(run: F, guard: G): WithGuard<F, G> {
  return Object.assign(run as object, { guard }) as WithGuard<F, G>;
}

/** The workflow execution of a submission: `<id>-s<seq>` (a re-drive appends `-r<n>`). */
export function executionName(applicationId: string, submissionSeq: number): string {
  return `${applicationId}-s${submissionSeq}`;
}

// ── create, edit, withdraw ──────────────────────────────────────────────────────────────────────

export type NewApplication = Omit<
  ApplicationRecord,
  'status' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'pendingAt' | 'auditSeq' | 'auditHead'
>;

/** 创建救助申请: a new draft at version 1. */
export function create<A extends Actor>(fields: NewApplication, actor: A, now: Date): Transition<A> {
  const at = now.toISOString();
  return {
    next: {
      ...fields,
      status: 'draft',
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: actor.sub,
      pendingAt: null,
      auditSeq: 0,
      auditHead: '',
    },
    audit: audit(actor, 'application.created', null, 'draft', { campaignId: fields.campaignId }),
    effects: {},
  };
}

function assertEditable(app: ApplicationRecord): void {
  if (!isWithClerk(app.status))
    throw invalidStatus(`An application in status "${app.status}" cannot be edited.`);
}

/** 修改申请: new facts; a returned application goes back to draft (and stops counting as returned). */
export const edit = /* @__PURE__ */ guarded(
  <A extends Actor>(
    app: ApplicationRecord,
    input: {
      actor: A;
      facts: ApplicationFacts;
      eligibility: { eligible: boolean; failures: EligibilityFailure[] };
      duplicateKey: string;
      fields: string[];
    },
    _now: Date,
  ): Transition<A> => {
    assertEditable(app);
    return {
      next: advance(app, {
        ...input.facts,
        eligibility: input.eligibility,
        duplicateKey: input.duplicateKey,
        status: 'draft',
      }),
      audit: audit(input.actor, 'application.updated', app.status, 'draft', { fields: input.fields }),
      effects: app.status === 'returned' ? { report: { add: { returned: -1 } } } : {},
    };
  },
  assertEditable,
);

/** 撤回申请: before any approval; the duplicate lock goes, a returned one stops counting as returned. */
export function withdraw<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; reason: string },
  now: Date,
): Transition<A> {
  if (!isWithClerk(app.status))
    throw invalidStatus(
      `An application in status "${app.status}" cannot be withdrawn (only draft or returned).`,
    );
  return {
    next: advance(app, {
      status: 'withdrawn',
      pendingAt: null,
      withdrawal: { reason: input.reason, withdrawnAt: now.toISOString(), withdrawnBy: input.actor.sub },
    }),
    audit: audit(input.actor, 'application.withdrawn', app.status, 'withdrawn', { reason: input.reason }),
    effects: {
      releaseDuplicateLock: true,
      ...(app.status === 'returned' ? { report: { add: { returned: -1 } } } : {}),
    },
  };
}

// ── submit and decide ──────────────────────────────────────────────────────────────────────────

function assertSubmittable(app: ApplicationRecord): void {
  if (!isWithClerk(app.status))
    throw invalidStatus(`An application in status "${app.status}" cannot be submitted.`);
}

/**
 * 提交审批: a new submission waiting at the route's first level, with the evidence set it froze; the
 * route (`routing`) is fixed at the first submission and kept for every later one. The outbox starts
 * the submission's execution.
 */
export const submit = /* @__PURE__ */ guarded(
  <A extends Actor>(
    app: ApplicationRecord,
    input: {
      actor: A;
      approvalForm: { reviewOpinion: string; reviewedBy: string };
      eligibility: { eligible: boolean; failures: EligibilityFailure[] };
      routing: Pick<ApplicationRecord, 'route' | 'ancestors' | 'highCourtCode'> | undefined;
      documents: EvidenceDocument[];
      /** The submitting request's correlation id: a re-driven execution runs under it. */
      correlationId?: string | undefined;
    },
    now: Date,
  ): Transition<A> => {
    assertSubmittable(app);
    const at = now.toISOString();
    const seq = (app.submission?.seq ?? 0) + 1;
    const fixed = app.submission ? app : { ...app, ...input.routing };
    const pendingAt = fixed.route[0] as string;
    return {
      next: advance(fixed, {
        status: 'pending_approval',
        eligibility: input.eligibility,
        level: 0,
        pendingAt,
        decisions: [],
        taskToken: null,
        escalations: 0,
        submission: {
          seq,
          submittedAt: at,
          submittedBy: input.actor.sub,
          approvalForm: input.approvalForm,
          executionName: executionName(app.id, seq),
          documents: input.documents,
          ...(input.correlationId ? { correlationId: input.correlationId } : {}),
        },
      }),
      audit: audit(input.actor, 'application.submitted', app.status, 'pending_approval', {
        submissionSeq: seq,
        pendingAt,
        route: fixed.route,
        approvalForm: input.approvalForm,
        documents: input.documents,
      }),
      effects: {
        report: { add: app.status === 'returned' ? { pending: 1, returned: -1 } : { pending: 1 } },
        outbox: [{ kind: 'start-execution', applicationId: app.id, submissionSeq: seq, createdAt: at }],
      },
    };
  },
  assertSubmittable,
);

function assertDecidable(app: ApplicationRecord, actor: Actor): void {
  const alreadyDecided = (app.decisions ?? []).some(
    (d) => d.court === actor.court && d.submissionSeq === app.submission?.seq,
  );
  if (app.status !== 'pending_approval') {
    if (alreadyDecided || app.submission)
      throw conflict('DECISION_ALREADY_RECORDED', 'This application is no longer waiting for a decision.');
    throw invalidStatus(`An application in status "${app.status}" awaits no decision.`);
  }
  if (app.pendingAt !== actor.court) {
    if (alreadyDecided)
      throw conflict('DECISION_ALREADY_RECORDED', 'Your court has already decided this submission.');
    throw new LifecycleRefusal(
      'forbidden',
      'NOT_PENDING_AT_YOUR_COURT',
      'The application does not wait at your court.',
    );
  }
  if (app.submission?.submittedBy === actor.sub)
    throw new LifecycleRefusal(
      'forbidden',
      'SUBMITTER_CANNOT_DECIDE',
      'The person who submitted an application may not decide it.',
    );
}

/**
 * 审批: the decision of the level the application waits at (domain/approval.ts says where it leads;
 * an ApprovalRuleError from there passes through). The high court's approval reserves the quota; a
 * rejection releases the duplicate lock; the outbox hands the decision to the workflow.
 */
export const decide = /* @__PURE__ */ guarded(
  <A extends Actor>(
    app: ApplicationRecord,
    input: {
      actor: A;
      decision: DecisionKind;
      comment: string;
      documents: EvidenceDocument[];
      /** On a return: the documents rejected in review that the clerk must replace. */
      toReplace: DocumentToReplace[];
    },
    now: Date,
  ): Transition<A> & { entry: DecisionEntry } => {
    assertDecidable(app, input.actor);
    const at = now.toISOString();
    const level = app.level ?? 0;
    const outcome = decideLevel(app.route, level, input.decision, input.comment);
    const seq = app.submission?.seq ?? 0;
    const replace =
      outcome.outcome === 'returned' && input.toReplace.length > 0
        ? { documentsToReplace: input.toReplace }
        : {};
    const entry: DecisionEntry = {
      submissionSeq: seq,
      level,
      court: input.actor.court,
      decision: input.decision,
      comment: input.comment,
      decidedBy: input.actor.sub,
      decidedAt: at,
      outcome: outcome.outcome,
      documents: input.documents,
      ...replace,
    };
    const reserve = {
      campaignId: app.campaignId,
      highCourtCode: app.highCourtCode,
      amountFen: app.reliefAmountFen,
      key: reservationKey(app),
    };
    // Every decision also adds its wait at this level (审批用时, domain/approval-times.ts) to the counters.
    const report: Effects['report'] = {
      add: {
        ...(outcome.outcome === 'rejected'
          ? { pending: -1, rejected: 1 }
          : outcome.outcome === 'returned'
            ? { pending: -1, returned: 1 }
            : outcome.outcome === 'approved'
              ? { approved: 1 }
              : {}),
        ...waitCounters(level, Date.parse(at) - Date.parse(waitingSince(app) ?? at)),
      },
    };
    return {
      entry,
      next: advance(app, {
        status: outcome.status,
        level: outcome.level,
        pendingAt: outcome.pendingAt,
        decisions: [...(app.decisions ?? []), entry],
        quotaReservation: outcome.reservesQuota
          ? { ...reserve, state: 'reserved' }
          : (app.quotaReservation ?? null),
      }),
      audit: audit(input.actor, `decision.${input.decision}`, app.status, outcome.status, {
        submissionSeq: seq,
        level,
        comment: input.comment,
        outcome: outcome.outcome,
        ...(outcome.pendingAt ? { pendingAt: outcome.pendingAt } : {}),
        ...(outcome.reservesQuota
          ? { quotaReservedFen: app.reliefAmountFen, highCourtCode: app.highCourtCode }
          : {}),
        documents: input.documents,
        ...replace,
      }),
      effects: {
        ...(outcome.reservesQuota ? { quota: { ...reserve, op: 'reserve' } } : {}),
        releaseDuplicateLock: outcome.outcome === 'rejected',
        report,
        outbox: [
          { kind: 'deliver-decision', applicationId: app.id, submissionSeq: seq, level, createdAt: at },
        ],
      },
    };
  },
  assertDecidable,
);

// ── disbursement ───────────────────────────────────────────────────────────────────────────────

function assertAwaitingPayout(app: ApplicationRecord): void {
  if (app.status !== 'awaiting_payout') throw invalidStatus(`Status ${app.status} awaits no payout.`);
}

/** 发放: the package goes to the insurer (any integrity hold is lifted); the attempt is counted. */
export const dispatch = /* @__PURE__ */ guarded(
  <A extends Actor>(
    app: ApplicationRecord,
    input: { actor: A; packageId: string; taskToken: string; documents: EvidenceDocument[] },
    now: Date,
  ): Transition<A> => {
    assertAwaitingPayout(app);
    const attempts = (app.payout?.attempts ?? 0) + 1;
    return {
      next: annotate(app, {
        integrityHold: null,
        payout: {
          ...(app.payout ?? {}),
          packageId: input.packageId,
          taskToken: input.taskToken,
          dispatchedAt: now.toISOString(),
          attempts,
        },
      }),
      audit: audit(input.actor, 'package.dispatched', app.status, app.status, {
        packageId: input.packageId,
        attempt: attempts,
        documents: input.documents.map((d) => ({ documentId: d.documentId, type: d.type, sha256: d.sha256 })),
      }),
      effects: {},
    };
  },
  assertAwaitingPayout,
);

/** The package is withheld: stored evidence no longer matches; the quota stays reserved. */
export function withhold<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; packageId: string; documents: IntegrityHold['documents'] },
  now: Date,
): Transition<A> {
  assertAwaitingPayout(app);
  return {
    next: annotate(app, {
      integrityHold: {
        code: 'EVIDENCE_MISMATCH',
        packageId: input.packageId,
        at: now.toISOString(),
        documents: input.documents,
      },
      escalations: (app.escalations ?? 0) + 1,
    }),
    audit: audit(input.actor, 'package.withheld', app.status, app.status, {
      packageId: input.packageId,
      code: 'EVIDENCE_MISMATCH',
      quotaReservedFen: app.quotaReservation?.amountFen ?? 0,
      documents: input.documents,
    }),
    effects: {},
  };
}

export interface PayoutEvent {
  id: string;
  type: 'payout.succeeded' | 'payout.declined';
  packageId: string;
  amountFen?: number;
  paidAt?: string;
  transactionRef?: string;
  reason?: string;
}

/**
 * The insurer's answer to the package that waits: paid (the reservation is committed) or declined
 * (released, and the duplicate lock goes). Refused (PACKAGE_NOT_AWAITING_PAYOUT) when the
 * application no longer waits for this package. The outbox tells the workflow.
 */
export function settlePayout<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; event: PayoutEvent },
  now: Date,
): Transition<A> {
  const { event } = input;
  if (app.status !== 'awaiting_payout' || app.payout?.packageId !== event.packageId)
    throw conflict('PACKAGE_NOT_AWAITING_PAYOUT', 'The package is not awaiting a payout.');
  const paid = event.type === 'payout.succeeded';
  const status = paid ? 'paid' : 'declined';
  const reservation = app.quotaReservation;
  return {
    next: advance(app, {
      status,
      payout: {
        ...(app.payout as NonNullable<ApplicationRecord['payout']>),
        settledEventId: event.id,
        ...(paid
          ? { transactionRef: event.transactionRef, paidAt: event.paidAt, amountFen: event.amountFen }
          : { declinedReason: (event.reason ?? 'UNSPECIFIED').slice(0, 500) }),
      },
      quotaReservation: reservation ? { ...reservation, state: paid ? 'committed' : 'released' } : null,
    }),
    audit: audit(
      input.actor,
      paid ? 'payout.succeeded' : 'payout.declined',
      app.status,
      status,
      paid
        ? {
            eventId: event.id,
            packageId: event.packageId,
            amountFen: event.amountFen,
            transactionRef: event.transactionRef,
            paidAt: event.paidAt,
          }
        : { eventId: event.id, packageId: event.packageId, reason: event.reason ?? null },
    ),
    effects: {
      ...(reservation
        ? {
            quota: {
              campaignId: reservation.campaignId,
              highCourtCode: reservation.highCourtCode,
              amountFen: reservation.amountFen,
              op: paid ? 'commit' : 'release',
              ...(reservation.key ? { key: reservation.key } : {}),
            },
          }
        : {}),
      releaseDuplicateLock: !paid,
      report: paid
        ? {
            add: {
              pending: -1,
              paid: 1,
              amountFen: event.amountFen ?? 0,
              insurerConfirmedFen: event.amountFen ?? 0,
            },
            paid: true,
          }
        : { add: { pending: -1, declined: 1 } },
      outbox: [
        {
          kind: 'deliver-payout',
          applicationId: app.id,
          submissionSeq: app.submission?.seq ?? 0,
          outcome: status,
          createdAt: now.toISOString(),
        },
      ],
    },
  };
}

// ── after payout: closure, resumption, recovery, measures ──────────────────────────────────────

/**
 * 报结: a paid application closes as 终结执行 with the mandated reason; its measures stay in force and
 * post-closure monitoring (`monitoring`, from the ruling's date) starts.
 */
export function close<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; rulingNumber: string; issuedAt: string; monitoring: Monitoring },
  now: Date,
): Transition<A> {
  if (app.status !== 'paid')
    throw invalidStatus(`Only a paid application can be closed (status ${app.status}).`);
  if (app.payout?.paidAt && input.issuedAt.slice(0, 10) < app.payout.paidAt.slice(0, 10))
    throw unprocessable(
      'RULING_BEFORE_PAYOUT',
      'The ruling cannot be issued before the relief was paid.',
      'issuedAt',
      'Issued before the payout date.',
    );
  const inForce = measuresInForce(app.case.measures, app.liftedMeasures);
  const restrictionsLifted = restrictionsLiftedOf(app.case.measures, app.liftedMeasures);
  const { monitoring } = input;
  return {
    next: advance(app, {
      status: 'closed',
      closure: {
        rulingNumber: input.rulingNumber,
        issuedAt: input.issuedAt,
        closingReason: CLOSING_REASON,
        restrictionsLifted,
        measuresInForce: inForce,
        closedAt: now.toISOString(),
        closedBy: input.actor.sub,
      },
      monitoring,
      resumptionDue: false,
    }),
    audit: audit(input.actor, 'application.closed', app.status, 'closed', {
      rulingNumber: input.rulingNumber,
      issuedAt: input.issuedAt,
      closingReason: CLOSING_REASON,
      restrictionsLifted,
      measuresInForce: inForce.map((m) => m.reference),
      nextAssetCheckDue: monitoring.nextDue,
      monitoredUntil: monitoring.until,
    }),
    effects: {},
  };
}

/** The most enforcement can resume for, and recoveries add up to: the relief amount paid. */
export const reliefCapFen = (app: ApplicationRecord) => app.payout?.amountFen ?? app.reliefAmountFen;

export interface Resumption {
  reason: 'assets-found' | 'evasion';
  basis: string;
  amountFen: number;
  debtors?: string[];
}

/** 恢复执行: a closed case resumes, for at most the relief amount paid; it answers a due asset check. */
export function resume<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; resumption: Resumption },
  now: Date,
): Transition<A> {
  if (app.status !== 'closed')
    throw invalidStatus(`Only a closed application can be resumed (status ${app.status}).`);
  const cap = reliefCapFen(app);
  if (input.resumption.amountFen > cap)
    throw unprocessable(
      'AMOUNT_OVER_RELIEF',
      `Enforcement resumes for at most the relief amount paid (${cap} fen).`,
      'amountFen',
      'Above the relief amount paid.',
    );
  return {
    next: advance(app, {
      status: 'resumed',
      resumption: { ...input.resumption, resumedAt: now.toISOString(), resumedBy: input.actor.sub },
      resumptionDue: false,
      recoveredFen: app.recoveredFen ?? 0,
    }),
    audit: audit(input.actor, 'enforcement.resumed', app.status, 'resumed', { ...input.resumption }),
    effects: { report: { add: { resumed: 1 } } },
  };
}

/** 执行到位: money recovered on a resumed case, never more in total than the relief, into the fund. */
export function recordRecovery<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; amountFen: number; receivedAt: string; reference: string },
  _now: Date,
): Transition<A> {
  if (app.status !== 'resumed')
    throw invalidStatus(`Recoveries are recorded on resumed applications (status ${app.status}).`);
  const cap = reliefCapFen(app);
  const total = (app.recoveredFen ?? 0) + input.amountFen;
  if (total > cap)
    throw unprocessable(
      'RECOVERY_OVER_RELIEF',
      `Recovered money cannot exceed the relief amount (${cap} fen) in total.`,
      'amountFen',
      'The total would exceed the relief amount.',
    );
  const { actor, ...recovery } = input;
  return {
    next: advance(app, { recoveredFen: total }),
    audit: audit(actor, 'recovery.recorded', app.status, app.status, {
      ...recovery,
      totalRecoveredFen: total,
    }),
    effects: {
      fundCredit: {
        campaignId: app.campaignId,
        amountFen: input.amountFen,
        reference: input.reference,
        receivedAt: input.receivedAt,
      },
      report: { add: { recoveredFen: input.amountFen } },
    },
  };
}

/**
 * 解除措施: one measure of `case.measures` lifted after closure, only once enforcement resumed and the
 * resumed amount was recovered (domain/post-closure.ts liftRefusal).
 */
export function liftMeasure<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; reference: string; basis: string },
  now: Date,
): Transition<A> & { measure: Measure } {
  if (app.status !== 'closed' && app.status !== 'resumed')
    throw invalidStatus(
      `Measures are lifted after closure; before it, edit the application (status ${app.status}).`,
    );
  const measure = (app.case.measures ?? []).find((m) => m.reference === input.reference);
  if (!measure)
    throw unprocessable(
      'UNKNOWN_MEASURE',
      'The case has no measure with this reference.',
      'reference',
      'No such measure in case.measures.',
    );
  if ((app.liftedMeasures ?? []).some((l) => l.reference === input.reference))
    throw conflict('MEASURE_ALREADY_LIFTED', 'This measure was already lifted.');
  const refusal = liftRefusal(app);
  if (refusal)
    throw conflict(
      refusal,
      'The debtor’s restrictions stay after relief: a measure may be lifted only once enforcement resumed and the resumed amount was recovered (三(一)2).',
    );
  const liftedMeasures = [
    ...(app.liftedMeasures ?? []),
    {
      reference: input.reference,
      basis: input.basis,
      liftedAt: now.toISOString(),
      liftedBy: input.actor.sub,
    },
  ];
  const restrictionsLifted = restrictionsLiftedOf(app.case.measures, liftedMeasures);
  return {
    measure,
    next: advance(app, {
      liftedMeasures,
      ...(app.closure
        ? {
            closure: {
              ...app.closure,
              restrictionsLifted,
              measuresInForce: measuresInForce(app.case.measures, liftedMeasures),
            },
          }
        : {}),
    }),
    audit: audit(input.actor, 'measure.lifted', app.status, app.status, {
      kind: measure.kind,
      reference: input.reference,
      basis: input.basis,
      restrictionsLifted,
    }),
    effects: {},
  };
}

/** 不予恢复执行: a reasoned decision not to resume after an asset check prompted it. */
export function dismissResumption<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; reason: string },
  now: Date,
): Transition<A> {
  if (app.status !== 'closed' || app.resumptionDue !== true)
    throw conflict(
      'RESUMPTION_NOT_DUE',
      'Only a relief-closed case whose asset check prompted resumption can have it dismissed.',
    );
  const dismissal = { reason: input.reason, dismissedAt: now.toISOString(), dismissedBy: input.actor.sub };
  return {
    next: advance(app, {
      resumptionDue: false,
      resumptionDismissals: [...(app.resumptionDismissals ?? []), dismissal],
    }),
    audit: audit(input.actor, 'resumption.dismissed', app.status, app.status, { reason: input.reason }),
    effects: {},
  };
}

// ── post-closure monitoring ────────────────────────────────────────────────────────────────────

function assetCheckRefused(code: string): LifecycleRefusal {
  switch (code) {
    case 'NOT_RELIEF_CLOSED':
      return conflict(
        'NOT_RELIEF_CLOSED',
        'Asset checks are recorded on relief-closed (closed or resumed) applications.',
      );
    case 'DUPLICATE_ASSET_CHECK':
      return conflict('DUPLICATE_ASSET_CHECK', 'A check with this date and method is already recorded.');
    case 'CHECK_IN_FUTURE':
      return unprocessable(
        'CHECK_IN_FUTURE',
        'The check is dated in the future.',
        'checkedAt',
        'After today (Beijing time).',
      );
    default:
      return unprocessable(
        'CHECK_BEFORE_CLOSURE',
        'The check is dated before the case was closed.',
        'checkedAt',
        'Before the ruling.',
      );
  }
}

/**
 * 定期查控: an asset check on a relief-closed case (domain/post-closure.ts assetCheckRefusal says when
 * not); the next check moves on one interval, and a find makes resumption due on a closed case (三.4).
 */
export const recordAssetCheck = /* @__PURE__ */ guarded(
  <A extends Actor>(
    app: ApplicationRecord,
    input: { actor: A; check: AssetCheck; today: string },
    _now: Date,
  ): Transition<A> => {
    const refusal = assetCheckRefusal(app, input.check, input.today);
    if (refusal) throw assetCheckRefused(refusal);
    const { check } = input;
    const monitoring = afterAssetCheck(app.monitoring as Monitoring, check);
    const resumptionDue =
      app.status === 'closed' && (app.resumptionDue === true || promptsResumption(check.result));
    return {
      next: advance(app, { monitoring, resumptionDue }),
      audit: audit(input.actor, 'asset-check.recorded', app.status, app.status, {
        checkedAt: check.checkedAt,
        method: check.method,
        result: check.result,
        nextDue: monitoring.nextDue,
        resumptionDue,
      }),
      effects: {},
    };
  },
  (app: ApplicationRecord, check: { checkedOn: string; method: string }, today: string): void => {
    const refusal = assetCheckRefusal(app, check, today);
    if (refusal) throw assetCheckRefused(refusal);
  },
);

/**
 * An asset check overdue on a closed case, escalated to the executing and the high court; refused
 * (NOT_OVERDUE) when nothing is overdue to escalate any more.
 */
export function escalateOverdueCheck<A extends Actor>(
  app: ApplicationRecord,
  input: { actor: A; today: string; courtName: (code: string) => string | null },
  now: Date,
): Transition<A> & { due: string } {
  const due = app.status === 'closed' ? overdueToEscalate(app.monitoring, input.today) : undefined;
  if (!due || !app.monitoring) throw conflict('NOT_OVERDUE', 'No asset check is overdue to escalate.');
  const escalatedTo: OverdueEscalation['escalatedTo'] = [app.courtCode, app.highCourtCode];
  const escalation: OverdueEscalation = { due, escalatedAt: now.toISOString(), escalatedTo };
  return {
    due,
    next: advance(app, {
      monitoring: { ...app.monitoring, escalations: [...(app.monitoring.escalations ?? []), escalation] },
    }),
    audit: audit(input.actor, 'asset-check.overdue', app.status, app.status, {
      due,
      executingCourt: { code: app.courtCode, name: input.courtName(app.courtCode) },
      highCourt: { code: app.highCourtCode, name: input.courtName(app.highCourtCode) },
      escalatedTo,
    }),
    effects: {},
  };
}

// ── the approval workflow's own notes: its task token, escalations, faults ─────────────────────

/** The workflow on the trail: a system actor at the court it concerns. */
const workflowActor = (court: string) => ({ sub: 'system:workflow', court, roles: [] as string[] });

/** A note from an execution that is not the submission's current one: a stale token (SUPERSEDED). */
const superseded = (message: string) => conflict('SUPERSEDED', message);

export interface TaskTokenInput {
  submissionSeq: number;
  level: number;
  token: string;
  /** The execution asking; one that is not the submission's current execution (re-driven since) ends. */
  executionName?: string;
}

/** The token task's result: no audit entry (a token is the workflow's bookkeeping, not an event of the case). */
export interface TaskTokenTransition {
  next: ApplicationRecord;
  audit: null;
  effects: {
    /** The level was decided before its token arrived: answer the token with that decision now. */
    answer?: { token: string; decision: DecisionEntry; outbox: OutboxItem };
  };
}

/**
 * The `.waitForTaskToken` task of a level: the token is recorded iff the application waits at that
 * level of that submission (and, with `executionName`, that execution is the submission's current
 * one); the version moves (a change built on a read from before the token is built again). When that
 * level was decided before the token arrived, nothing is written and the effect is to answer the token
 * with the decision (and settle its outbox item). Refused: SUPERSEDED (another execution, or another
 * submission), INVALID_STATUS (the application no longer waits at this level). The stores write the
 * token in one conditioned request (memory/applications.ts runs this; dynamodb/applications.ts
 * `recordTaskToken` states the same guard as its ConditionExpression).
 */
export function recordTaskToken(app: ApplicationRecord, input: TaskTokenInput): TaskTokenTransition {
  if (input.executionName !== undefined && app.submission?.executionName !== input.executionName)
    throw superseded('The execution is not the current one of its submission.');
  if (app.submission?.seq !== input.submissionSeq) throw superseded('The submission was superseded.');
  const decision = app.decisions?.find(
    (d) => d.submissionSeq === input.submissionSeq && d.level === input.level,
  );
  if (decision) {
    const outbox: OutboxItem = {
      kind: 'deliver-decision',
      applicationId: app.id,
      submissionSeq: decision.submissionSeq,
      level: decision.level,
      createdAt: decision.decidedAt,
    };
    return { next: app, audit: null, effects: { answer: { token: input.token, decision, outbox } } };
  }
  if (app.status !== 'pending_approval' || app.level !== input.level)
    throw invalidStatus('The application no longer waits at this level.');
  const token = { submissionSeq: input.submissionSeq, level: input.level, token: input.token };
  return { next: advance(app, { taskToken: token }), audit: null, effects: {} };
}

/** The note an execution may leave only on its own submission while it is in flight. */
function assertCurrentExecution(app: ApplicationRecord, submissionSeq: number): void {
  if (app.submission?.seq !== submissionSeq) throw superseded('The submission was superseded.');
}

/**
 * The workflow escalates a level (or a payout) that left the application waiting too long: counted on
 * the application, noted on its trail at the court it waits at; the version stays (`annotate`).
 * Refused: SUPERSEDED (another submission's execution), INVALID_STATUS (nothing in flight any more).
 */
export function escalate(
  app: ApplicationRecord,
  input: { submissionSeq: number; reason: string },
): Transition<ReturnType<typeof workflowActor>> {
  assertCurrentExecution(app, input.submissionSeq);
  if (!isInFlight(app.status)) throw invalidStatus(`Status ${app.status} waits for nothing to escalate.`);
  return {
    next: annotate(app, { escalations: (app.escalations ?? 0) + 1 }),
    audit: audit(
      workflowActor(app.pendingAt ?? app.courtCode),
      'workflow.escalated',
      app.status,
      app.status,
      {
        submissionSeq: input.submissionSeq,
        reason: input.reason,
        pendingAt: app.pendingAt,
      },
    ),
    effects: {},
  };
}

/**
 * A workflow fault made visible on the application's trail before the execution fails (the error's
 * name, at most 200 characters); the record is otherwise unchanged. Refused: SUPERSEDED (a fault of
 * another submission's execution is not this one's).
 */
export function recordWorkflowFault(
  app: ApplicationRecord,
  input: { submissionSeq: number; error: unknown },
): Transition<ReturnType<typeof workflowActor>> {
  assertCurrentExecution(app, input.submissionSeq);
  const error = input.error as { Error?: string } | undefined;
  return {
    next: app,
    audit: audit(workflowActor(app.courtCode), 'workflow.fault', app.status, app.status, {
      submissionSeq: input.submissionSeq,
      error: String(error?.Error ?? 'Unknown').slice(0, 200),
    }),
    effects: {},
  };
}
