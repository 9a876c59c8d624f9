import { createHash } from 'node:crypto';
import { identityKeyOf } from '../domain/id-number.ts';
import type { ApplicationRecord, ReportDelta } from '../ports/applications.ts';

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** Report counter deltas for a change of one application (the keys are hashes: no personal data). */
export function reportDelta(app: ApplicationRecord, add: ReportDelta['add'], paid = false): ReportDelta {
  const caseKey = digest(`${app.campaignId}|${app.duplicateKey.split('#')[0]}`);
  // One person is one person: keyed by the canonical ID number, not by the document type chosen.
  const personKey = digest(identityKeyOf(app.applicant.idNumber));
  return {
    campaignId: app.campaignId,
    highCourtCode: app.highCourtCode,
    courtCode: app.courtCode,
    add,
    ...(paid
      ? { paid: { category: app.case.category, amountFen: add.amountFen ?? 0, caseKey, personKey } }
      : {}),
  };
}
