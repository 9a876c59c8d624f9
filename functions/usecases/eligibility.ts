import { shanghaiDate } from '../domain/campaigns.ts';
import { type ApplicationFacts, evaluateEligibility } from '../domain/eligibility.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError, type ProblemItem, UnprocessableError } from '../lib/errors.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { CourtDirectory } from '../ports/courts.ts';

/** One candidate as the route parsed it: its facts, or why they could not be read. */
export type ScreeningCandidate = { facts: ApplicationFacts } | { failures: ProblemItem[] };

/**
 * 排查: eligibility of candidate cases of the caller's court against one campaign, persisting nothing.
 * Each result carries every failure (validation or eligibility) with its stable code.
 */
export async function screenCandidates(
  deps: { campaigns: CampaignStore; courts: CourtDirectory; now: () => Date },
  principal: Principal,
  campaignId: string,
  candidates: readonly ScreeningCandidate[],
) {
  const court = (await deps.courts.registry()).get(principal.court);
  if (!court || court.level === 'spc')
    throw new ForbiddenError('COURT_CANNOT_EXECUTE', 'Screening is for executing courts.');
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new UnprocessableError('UNKNOWN_CAMPAIGN', `Campaign "${campaignId}" does not exist.`);
  const today = shanghaiDate(deps.now());
  const results = candidates.map((candidate, index) => {
    if ('failures' in candidate) return { index, eligible: false, failures: candidate.failures };
    const result = evaluateEligibility(candidate.facts, { campaign, executingCourt: court, today });
    return { index, eligible: result.eligible, failures: result.failures };
  });
  const eligible = results.filter((r) => r.eligible).length;
  return { results, summary: { total: results.length, eligible, ineligible: results.length - eligible } };
}
