import { type Campaign, campaignSettings } from '../domain/campaigns.ts';
import type { CourtRegistry } from '../domain/court-registry.ts';
import { CATEGORY_LABELS_ZH, isCategory } from '../domain/eligibility.ts';
import { measuresInForce } from '../domain/post-closure.ts';
import { buildRuling, type Ruling } from '../domain/ruling.ts';
import type { ApplicationRecord } from '../ports/applications.ts';

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
