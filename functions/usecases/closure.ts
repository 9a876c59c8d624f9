import { type Campaign, campaignSettings } from '../domain/campaigns.ts';
import type { CourtRegistry } from '../domain/court-registry.ts';
import { CATEGORY_LABELS_ZH, isCategory, shanghaiDayOf } from '../domain/eligibility.ts';
import { canonicalIdNumber } from '../domain/id-number.ts';
import {
  liftRefusal,
  measuresInForce,
  restrictionsLiftedOf,
  startMonitoring,
} from '../domain/post-closure.ts';
import { buildRuling, CLOSING_REASON, type Ruling } from '../domain/ruling.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord, Mutation } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk, loadVisible } from './applications.ts';
import { reportDelta } from './report-keys.ts';

const RULED = new Set(['paid', 'closed', 'resumed']);

/** The termination ruling (终结执行裁定书) of a paid application, citing its campaign's legal basis. */
export function rulingOf(app: ApplicationRecord, courts: CourtRegistry, campaign?: Campaign): Ruling {
  const court = courts.get(app.courtCode);
  return buildRuling({
    courtName: court?.name ?? app.courtCode,
    caseNumber: app.case.caseNumber,
    applicantName: app.applicant.name,
    categoryLabelZh: isCategory(app.case.category)
      ? CATEGORY_LABELS_ZH[app.case.category]
      : app.case.category,
    reliefAmountFen: app.payout?.amountFen ?? app.reliefAmountFen,
    paidAt: app.payout?.paidAt as string,
    transactionRef: app.payout?.transactionRef as string,
    ...(app.closure ? { rulingNumber: app.closure.rulingNumber, issuedAt: app.closure.issuedAt } : {}),
    ...(campaign ? { legalBasis: campaignSettings(campaign).rulingLegalBasis } : {}),
    ...(app.debtors?.length ? { debtorNames: app.debtors.map((d) => d.name) } : {}),
    // The measures still in force: at closure, those recorded with it; before, the case's.
    measures: app.closure?.measuresInForce ?? measuresInForce(app.case.measures, app.liftedMeasures),
  });
}

export async function getRuling(deps: ApplicationDeps, principal: Principal, id: string) {
  const app = await loadVisible(deps, principal, id);
  if (!RULED.has(app.status) || !app.payout?.paidAt) {
    throw new ConflictError('NOT_PAID', 'The ruling exists once the relief has been paid.');
  }
  const [courts, campaign] = await Promise.all([deps.courts.registry(), deps.campaigns.get(app.campaignId)]);
  return { app, ruling: rulingOf(app, courts, campaign) };
}

/** 报结: closes a paid application as 终结执行 with the mandated reason; restrictions stay. */
export async function closeApplication(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { rulingNumber: string; issuedAt: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  if (app.status !== 'paid')
    throw new ConflictError(
      'INVALID_STATUS',
      `Only a paid application can be closed (status ${app.status}).`,
    );
  if (app.payout?.paidAt && input.issuedAt.slice(0, 10) < app.payout.paidAt.slice(0, 10)) {
    throw new UnprocessableError(
      'RULING_BEFORE_PAYOUT',
      'The ruling cannot be issued before the relief was paid.',
      {
        errors: [
          { code: 'RULING_BEFORE_PAYOUT', path: 'issuedAt', message: 'Issued before the payout date.' },
        ],
      },
    );
  }
  const at = deps.now().toISOString();
  // Post-closure monitoring starts with the ruling (its Beijing date), on the campaign's schedule.
  const campaign = await deps.campaigns.get(app.campaignId);
  const settings = campaign
    ? campaignSettings(campaign)
    : { assetCheckIntervalMonths: 6, assetCheckYears: 5 };
  const monitoring = startMonitoring(shanghaiDayOf(input.issuedAt) as string, {
    intervalMonths: settings.assetCheckIntervalMonths,
    years: settings.assetCheckYears,
  });
  const closing: Mutation = (current) => {
    if (current.status !== 'paid')
      throw new ConflictError(
        'INVALID_STATUS',
        `Only a paid application can be closed (status ${current.status}).`,
      );
    // The measures stay in force (三(一)2): recorded with the closure, and restrictionsLifted follows them.
    const inForce = measuresInForce(current.case.measures, current.liftedMeasures);
    const restrictionsLifted = restrictionsLiftedOf(current.case.measures, current.liftedMeasures);
    return {
      next: {
        ...current,
        status: 'closed',
        version: current.version + 1,
        closure: {
          rulingNumber: input.rulingNumber,
          issuedAt: input.issuedAt,
          closingReason: CLOSING_REASON,
          restrictionsLifted,
          measuresInForce: inForce,
          closedAt: at,
          closedBy: principal.sub,
        },
        monitoring,
        resumptionDue: false,
      },
      audit: {
        actor: principal,
        action: 'application.closed',
        fromStatus: current.status,
        toStatus: 'closed',
        detail: {
          rulingNumber: input.rulingNumber,
          issuedAt: input.issuedAt,
          closingReason: CLOSING_REASON,
          restrictionsLifted,
          measuresInForce: inForce.map((m) => m.reference),
          nextAssetCheckDue: monitoring.nextDue,
          monitoredUntil: monitoring.until,
        },
      },
    };
  };
  return deps.repo.update(id, closing, { idempotency });
}

/** 恢复执行: on the court's own authority, capped at the relief amount paid. */
export async function resumeEnforcement(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  request: {
    reason: 'assets-found' | 'evasion';
    basis: string;
    amountFen: number;
    debtors?: string[] | undefined;
  },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  // Resumption is against named debtors (三.4): each one of the application's, by canonical ID number.
  const named = (request.debtors ?? []).map((n) => canonicalIdNumber(n));
  const known = new Set((app.debtors ?? []).map((d) => d.idNumber));
  if (known.size > 0 && named.length === 0)
    throw new UnprocessableError(
      'RESUMPTION_DEBTOR_REQUIRED',
      'Name the debtor(s) enforcement resumes against.',
      {
        errors: [{ code: 'RESUMPTION_DEBTOR_REQUIRED', path: 'debtors', message: 'At least one debtor.' }],
      },
    );
  const unknown = named.findIndex((n) => !known.has(n));
  if (unknown >= 0)
    throw new UnprocessableError(
      'UNKNOWN_DEBTOR',
      'Enforcement resumes only against a debtor of the application.',
      {
        errors: [
          {
            code: 'UNKNOWN_DEBTOR',
            path: `debtors[${unknown}]`,
            message: 'Not a debtor of this application.',
          },
        ],
      },
    );
  const input = {
    reason: request.reason,
    basis: request.basis,
    amountFen: request.amountFen,
    ...(named.length > 0 ? { debtors: [...new Set(named)] } : {}),
  };
  if (app.status !== 'closed')
    throw new ConflictError(
      'INVALID_STATUS',
      `Only a closed application can be resumed (status ${app.status}).`,
    );
  const cap = app.payout?.amountFen ?? app.reliefAmountFen;
  if (input.amountFen > cap) {
    throw new UnprocessableError(
      'AMOUNT_OVER_RELIEF',
      `Enforcement resumes for at most the relief amount paid (${cap} fen).`,
      {
        errors: [{ code: 'AMOUNT_OVER_RELIEF', path: 'amountFen', message: 'Above the relief amount paid.' }],
      },
    );
  }
  const at = deps.now().toISOString();
  return deps.repo.update(
    id,
    (current) => {
      if (current.status !== 'closed')
        throw new ConflictError(
          'INVALID_STATUS',
          `Only a closed application can be resumed (status ${current.status}).`,
        );
      return {
        next: {
          ...current,
          status: 'resumed',
          version: current.version + 1,
          resumption: { ...input, resumedAt: at, resumedBy: principal.sub },
          // Resumption answers what an asset check prompted.
          resumptionDue: false,
          recoveredFen: current.recoveredFen ?? 0,
        },
        audit: {
          actor: principal,
          action: 'enforcement.resumed',
          fromStatus: current.status,
          toStatus: 'resumed',
          detail: { ...input },
        },
      };
    },
    (current) => ({ report: reportDelta(current, { resumed: 1 }), idempotency }),
  );
}

/** 执行到位: recovered money, never more in total than the relief amount, credited to the relief fund. */
export async function recordRecovery(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { amountFen: number; receivedAt: string; reference: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  if (app.status !== 'resumed')
    throw new ConflictError(
      'INVALID_STATUS',
      `Recoveries are recorded on resumed applications (status ${app.status}).`,
    );
  const cap = app.payout?.amountFen ?? app.reliefAmountFen;
  const over = (current: ApplicationRecord) => (current.recoveredFen ?? 0) + input.amountFen > cap;
  if (over(app)) {
    throw new UnprocessableError(
      'RECOVERY_OVER_RELIEF',
      `Recovered money cannot exceed the relief amount (${cap} fen) in total.`,
      {
        errors: [
          {
            code: 'RECOVERY_OVER_RELIEF',
            path: 'amountFen',
            message: 'The total would exceed the relief amount.',
          },
        ],
      },
    );
  }
  return deps.repo.update(
    id,
    (current) => {
      if (current.status !== 'resumed')
        throw new ConflictError('INVALID_STATUS', `Status ${current.status}.`);
      if (over(current)) {
        throw new UnprocessableError(
          'RECOVERY_OVER_RELIEF',
          'Recovered money cannot exceed the relief amount in total.',
        );
      }
      return {
        next: {
          ...current,
          version: current.version + 1,
          recoveredFen: (current.recoveredFen ?? 0) + input.amountFen,
        },
        audit: {
          actor: principal,
          action: 'recovery.recorded',
          fromStatus: current.status,
          toStatus: current.status,
          detail: { ...input, totalRecoveredFen: (current.recoveredFen ?? 0) + input.amountFen },
        },
      };
    },
    (current) => ({
      fundCredit: {
        campaignId: current.campaignId,
        amountFen: input.amountFen,
        reference: input.reference,
        receivedAt: input.receivedAt,
      },
      report: reportDelta(current, { recoveredFen: input.amountFen }),
      idempotency,
    }),
  );
}

/**
 * 解除措施: lifts one measure of `case.measures` (by its reference) after closure. Refused with 409
 * RESTRICTIONS_MUST_REMAIN while the case is relief-closed, and after resumption until the money
 * recovered reaches the resumed amount (domain/post-closure.ts liftRefusal); 409 INVALID_STATUS before
 * closure (edit the draft's measures instead); 422 UNKNOWN_MEASURE / MEASURE_ALREADY_LIFTED.
 */
export async function liftMeasure(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reference: string; basis: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const check = (current: ApplicationRecord) => {
    if (current.status !== 'closed' && current.status !== 'resumed')
      throw new ConflictError(
        'INVALID_STATUS',
        `Measures are lifted after closure; before it, edit the application (status ${current.status}).`,
      );
    const measure = (current.case.measures ?? []).find((m) => m.reference === input.reference);
    if (!measure)
      throw new UnprocessableError('UNKNOWN_MEASURE', 'The case has no measure with this reference.', {
        errors: [
          { code: 'UNKNOWN_MEASURE', path: 'reference', message: 'No such measure in case.measures.' },
        ],
      });
    if ((current.liftedMeasures ?? []).some((l) => l.reference === input.reference))
      throw new ConflictError('MEASURE_ALREADY_LIFTED', 'This measure was already lifted.');
    const refusal = liftRefusal(current);
    if (refusal)
      throw new ConflictError(
        refusal,
        'The debtor’s restrictions stay after relief: a measure may be lifted only once enforcement resumed and the resumed amount was recovered (三(一)2).',
      );
    return measure;
  };
  check(app);
  const at = deps.now().toISOString();
  return deps.repo.update(
    id,
    (current) => {
      const measure = check(current);
      const liftedMeasures = [
        ...(current.liftedMeasures ?? []),
        { reference: input.reference, basis: input.basis, liftedAt: at, liftedBy: principal.sub },
      ];
      const restrictionsLifted = restrictionsLiftedOf(current.case.measures, liftedMeasures);
      return {
        next: {
          ...current,
          version: current.version + 1,
          liftedMeasures,
          ...(current.closure
            ? {
                closure: {
                  ...current.closure,
                  restrictionsLifted,
                  measuresInForce: measuresInForce(current.case.measures, liftedMeasures),
                },
              }
            : {}),
        },
        audit: {
          actor: principal,
          action: 'measure.lifted',
          fromStatus: current.status,
          toStatus: current.status,
          detail: { kind: measure.kind, reference: input.reference, basis: input.basis, restrictionsLifted },
        },
      };
    },
    { idempotency },
  );
}
