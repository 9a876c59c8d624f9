import { type Campaign, campaignSettings } from '../domain/campaigns.ts';
import type { CourtRegistry } from '../domain/court-registry.ts';
import { CATEGORY_LABELS_ZH, isCategory, shanghaiDayOf } from '../domain/eligibility.ts';
import { canonicalIdNumber } from '../domain/id-number.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { type Monitoring, measuresInForce, startMonitoring } from '../domain/post-closure.ts';
import { buildRuling, type Ruling } from '../domain/ruling.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk, loadVisible } from './applications.ts';
import { applying, refusing } from './transition.ts';

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
  if (!lifecycle.isPaidOut(app.status) || !app.payout?.paidAt) {
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
  const now = deps.now();
  // Post-closure monitoring starts with the ruling (its Beijing date), on the campaign's schedule.
  const monitoringOf = (settings: { assetCheckIntervalMonths: number; assetCheckYears: number }) =>
    startMonitoring(shanghaiDayOf(input.issuedAt) as string, {
      intervalMonths: settings.assetCheckIntervalMonths,
      years: settings.assetCheckYears,
    });
  const step = (current: ApplicationRecord, monitoring: Monitoring) =>
    lifecycle.close(current, { actor: principal, ...input, monitoring }, now);
  // Status and ruling date are refused before the campaign is read (the schedule changes neither).
  refusing(() => step(app, monitoringOf({ assetCheckIntervalMonths: 6, assetCheckYears: 5 })));
  const campaign = await deps.campaigns.get(app.campaignId);
  const monitoring = monitoringOf(
    campaign ? campaignSettings(campaign) : { assetCheckIntervalMonths: 6, assetCheckYears: 5 },
  );
  return deps.repo.update(
    id,
    ...applying(
      (current) => step(current, monitoring),
      () => ({ idempotency }),
    ),
  );
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
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.resume(current, { actor: principal, resumption: input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
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
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.recordRecovery(current, { actor: principal, ...input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
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
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.liftMeasure(current, { actor: principal, ...input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}
