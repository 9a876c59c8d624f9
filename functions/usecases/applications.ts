import { isOverdue, waitingSince } from '../domain/approval-queue.ts';
import { allowsDrafts, type Campaign, shanghaiDate } from '../domain/campaigns.ts';
import { parseCaseNumber } from '../domain/case-number.ts';
import type { Court, CourtRegistry } from '../domain/court-registry.ts';
import { type ApplicationFacts, evaluateEligibility } from '../domain/eligibility.ts';
import { canonicalIdNumber, identityKeyOf, maskAccountNumber, maskIdNumber } from '../domain/id-number.ts';
import { escalatedAtOf } from '../domain/post-closure.ts';
import type { Principal, Role } from '../lib/auth.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type ProblemItem,
  UnprocessableError,
} from '../lib/errors.ts';
import {
  type ApplicationRecord,
  type ApplicationRepository,
  type ApplicationStatus,
  DuplicateApplicationError,
} from '../ports/applications.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { CourtDirectory } from '../ports/courts.ts';

export interface ApplicationDeps {
  repo: ApplicationRepository;
  campaigns: CampaignStore;
  /** The courts table (cached per container): read once per request that needs the hierarchy. */
  courts: CourtDirectory;
  now: () => Date;
  newId: () => string;
}

/**
 * Where an application goes, fixed when it is recorded (at creation, and again at its first
 * submission): its approval route, quota holder and the executing court's superiors. Every later
 * step — decisions, who may see it, lists, reports — uses what was recorded, so moving a court in the
 * registry never changes the route of an application already submitted.
 */
export function routingOf(courts: CourtRegistry, courtCode: string) {
  return {
    highCourtCode: courts.highCourtOf(courtCode),
    route: courts.approvalRoute(courtCode),
    ancestors: courts.ancestorsOf(courtCode).filter((c) => c !== 'SPC'),
  };
}

/** Roles of a principal at its own court (helper for use cases). */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}

/**
 * The system-wide duplicate key: one open or paid application per case and person. The person is
 * `identityKeyOf` the canonical ID number, never the document type the clerk chose, so a resident ID
 * number is one person however it was typed and whatever `idType` says.
 */
export function duplicateKeyOf(facts: ApplicationFacts): string {
  const parsed = parseCaseNumber(facts.case.caseNumber);
  const caseKey = parsed.ok ? parsed.value.normalized : facts.case.caseNumber.trim();
  return `${caseKey}#${identityKeyOf(facts.applicant.idNumber)}`;
}

export function executingCourtOf(courts: CourtRegistry, principal: Principal): Court {
  const court = courts.get(principal.court);
  if (!court || court.level === 'spc') {
    throw new ForbiddenError(
      'COURT_CANNOT_EXECUTE',
      'Only a high, intermediate or basic court can create applications.',
    );
  }
  return court;
}

export async function openCampaign(deps: ApplicationDeps, campaignId: string): Promise<Campaign> {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) {
    throw new UnprocessableError('UNKNOWN_CAMPAIGN', `Campaign "${campaignId}" does not exist.`, {
      errors: [{ code: 'UNKNOWN_CAMPAIGN', path: 'campaignId', message: 'No such campaign.' }],
    });
  }
  if (!allowsDrafts(campaign, deps.now())) {
    throw new ConflictError(
      'CAMPAIGN_NOT_OPEN',
      'The campaign accepts applications only during its preparation and handling phases.',
    );
  }
  return campaign;
}

export function assertEligible(
  facts: ApplicationFacts,
  campaign: Campaign,
  court: Court,
  now: Date,
  createdAt: string = now.toISOString(),
) {
  const eligibility = evaluateEligibility(facts, {
    campaign,
    executingCourt: court,
    today: shanghaiDate(now),
    applicationCreatedAt: createdAt,
  });
  if (!eligibility.eligible) {
    const errors: ProblemItem[] = eligibility.failures.map((f) => ({
      code: f.code,
      path: f.path,
      message: f.message,
      messageZh: f.messageZh,
    }));
    if (errors.some((e) => e.code === 'ID_TYPE_MISMATCH')) {
      throw new UnprocessableError(
        'ID_TYPE_MISMATCH',
        'The ID number is a valid resident ID number: send it with idType "resident-id".',
        { errors },
      );
    }
    throw new UnprocessableError('INELIGIBLE', 'The application does not meet the relief conditions.', {
      errors,
    });
  }
  return eligibility;
}

export function toDuplicateConflict(error: unknown): never {
  if (error instanceof DuplicateApplicationError) {
    throw new ConflictError(
      'DUPLICATE_APPLICATION',
      'An open or paid application already exists for this case and applicant.',
    );
  }
  throw error;
}

/** Full personal data only for the executing court's clerks (api-contract "Personal data"). */
/** An application as the approver's queue shows it: the view plus since when and whether overdue. */
export function queueEntryView(app: ApplicationRecord, principal: Principal, now: Date) {
  const since = waitingSince(app);
  return {
    ...applicationView(app, principal),
    ...(since ? { waitingSince: since, overdue: isOverdue(since, now) } : {}),
  };
}

export function applicationView(app: ApplicationRecord, principal: Principal) {
  const full = principal.court === app.courtCode && hasRole(principal, 'clerk');
  return {
    id: app.id,
    campaignId: app.campaignId,
    courtCode: app.courtCode,
    highCourtCode: app.highCourtCode,
    status: app.status,
    version: app.version,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    createdBy: app.createdBy,
    case: app.case,
    applicant: {
      ...app.applicant,
      idNumber: full ? app.applicant.idNumber : maskIdNumber(app.applicant.idNumber),
    },
    hardship: app.hardship,
    consentToTermination: app.consentToTermination,
    priorJudicialRelief: app.priorJudicialRelief,
    ...(app.specialCircumstance ? { specialCircumstance: app.specialCircumstance } : {}),
    reliefAmountFen: app.reliefAmountFen,
    bankAccount: {
      ...app.bankAccount,
      holderIdNumber: full ? app.bankAccount.holderIdNumber : maskIdNumber(app.bankAccount.holderIdNumber),
      accountNumber: full ? app.bankAccount.accountNumber : maskAccountNumber(app.bankAccount.accountNumber),
    },
    ...(app.debtors
      ? {
          debtors: app.debtors.map((d) => ({
            ...d,
            // A legal person's credit code is public (企业信用信息公示); a person's ID number is not.
            idNumber: full || d.kind === 'legal' ? d.idNumber : maskIdNumber(d.idNumber),
          })),
        }
      : {}),
    eligibility: app.eligibility,
    route: app.route,
    pendingAt: app.pendingAt,
    withdrawal: app.withdrawal
      ? { reason: app.withdrawal.reason, at: app.withdrawal.withdrawnAt, by: app.withdrawal.withdrawnBy }
      : null,
    ...factsAfterApproval(app),
    ...(app.integrityHold ? { integrityHold: app.integrityHold } : {}),
  };
}

/**
 * Payout, closure, resumption and recoveries as the stored record has them (null until they exist),
 * never restated from what the use case meant to write: the view shows what is stored.
 */
export function factsAfterApproval(app: ApplicationRecord) {
  const payout = app.payout;
  const closure = app.closure;
  const resumption = app.resumption;
  return {
    // The insurer's confirmation (payout.succeeded), not the dispatch: absent while awaiting payout.
    payout:
      payout?.paidAt && payout.transactionRef
        ? {
            amountFen: payout.amountFen ?? app.reliefAmountFen,
            paidAt: payout.paidAt,
            transactionRef: payout.transactionRef,
          }
        : null,
    closure: closure
      ? {
          rulingNumber: closure.rulingNumber,
          issuedAt: closure.issuedAt,
          closingReason: closure.closingReason,
          restrictionsLifted: closure.restrictionsLifted,
          ...(closure.measuresInForce ? { measuresInForce: closure.measuresInForce } : {}),
          closedAt: closure.closedAt,
          closedBy: closure.closedBy,
        }
      : null,
    closingReason: closure ? closure.closingReason : null,
    restrictionsLifted: closure ? closure.restrictionsLifted : null,
    resumption: resumption
      ? {
          reason: resumption.reason,
          basis: resumption.basis,
          amountFen: resumption.amountFen,
          ...(resumption.debtors
            ? {
                debtors: resumption.debtors.map(
                  (n) => app.debtors?.find((d) => d.idNumber === n)?.name ?? maskIdNumber(n),
                ),
              }
            : {}),
          at: resumption.resumedAt,
          resumedBy: resumption.resumedBy,
        }
      : null,
    recoveredFen: app.recoveredFen ?? null,
    ...(app.liftedMeasures?.length ? { liftedMeasures: app.liftedMeasures } : {}),
    // Post-closure monitoring: null before closure and once relief-closed monitoring ended or resumed.
    nextAssetCheckDue: app.status === 'closed' ? (app.monitoring?.nextDue ?? null) : null,
    assetCheckEscalatedAt: app.status === 'closed' ? escalatedAtOf(app.monitoring) : null,
    resumptionDue: app.resumptionDue === true,
    ...(app.resumptionDismissals?.length ? { resumptionDismissals: app.resumptionDismissals } : {}),
    ...(app.monitoring
      ? {
          assetChecks: app.monitoring.checks.map((c) => ({
            checkedAt: c.checkedAt,
            method: c.method,
            result: c.result,
            detail: c.detail,
            ...(c.applicantNotifiedAt ? { applicantNotifiedAt: c.applicantNotifiedAt } : {}),
            recordedAt: c.recordedAt,
            recordedBy: c.recordedBy,
          })),
        }
      : {}),
  };
}

export type ApplicationView = ReturnType<typeof applicationView>;

export type CreateApplicationInput = ApplicationFacts & { campaignId: string };

/** The facts to evaluate and store; ID numbers in canonical form (stored values are canonical). */
export function factsOf(input: ApplicationFacts): ApplicationFacts {
  return {
    case: input.case,
    applicant: { ...input.applicant, idNumber: canonicalIdNumber(input.applicant.idNumber) },
    hardship: input.hardship,
    consentToTermination: input.consentToTermination,
    priorJudicialRelief: input.priorJudicialRelief,
    ...(input.specialCircumstance ? { specialCircumstance: input.specialCircumstance } : {}),
    reliefAmountFen: input.reliefAmountFen,
    bankAccount: {
      ...input.bankAccount,
      holderIdNumber: canonicalIdNumber(input.bankAccount.holderIdNumber),
    },
    ...(input.debtors
      ? { debtors: input.debtors.map((d) => ({ ...d, idNumber: canonicalIdNumber(d.idNumber) })) }
      : {}),
  };
}

/** Loads an application the principal may see, else 404 (never reveal a foreign court's application). */
export async function loadVisible(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
): Promise<ApplicationRecord> {
  return visibleTo(principal, await deps.repo.get(id));
}

/** The application if the caller may see it (as `loadVisible`, for a record already read); else 404. */
export function visibleTo(principal: Principal, app: ApplicationRecord | undefined): ApplicationRecord {
  // The recorded superiors, not the registry's current ones (see routingOf); the SPC sees every court.
  const within =
    principal.court === 'SPC' ||
    principal.court === app?.courtCode ||
    app?.ancestors.includes(principal.court);
  if (!app || !within) throw new NotFoundError();
  return app;
}

/** Loads an application for a change by the executing court's clerk: 404 outside, 403 inside with another role. */
export async function loadForClerk(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
): Promise<ApplicationRecord> {
  return forClerk(principal, await deps.repo.get(id));
}

/** The application if the caller is a clerk of its executing court (as `loadForClerk`, for a record already read). */
export function forClerk(principal: Principal, read: ApplicationRecord | undefined): ApplicationRecord {
  const app = visibleTo(principal, read);
  if (principal.court !== app.courtCode || !hasRole(principal, 'clerk')) {
    throw new ForbiddenError(
      'ROLE_FORBIDDEN',
      'Only a clerk of the executing court may change this application.',
    );
  }
  return app;
}

export type PatchApplicationInput = Partial<ApplicationFacts>;

export function versionConflict(): ConflictError {
  return new ConflictError(
    'VERSION_CONFLICT',
    'The application was changed since you read it; reload and retry.',
  );
}

export interface ListInput {
  status?: ApplicationStatus;
  campaignId?: string;
  courtCode?: string;
  /** The approver's queue: applications waiting at this court (own court only, unless SPC). */
  pendingAt?: string;
  limit: number;
  cursor?: string;
}
