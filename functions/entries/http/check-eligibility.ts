import type { ApplicationFacts } from '../../domain/eligibility.ts';
import { clock } from '../../factories/clock.ts';
import { campaignStore, courtStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { Candidate, checkEligibility as spec } from '../../http/specs/check-eligibility.ts';
import { defineRoute } from '../../lib/http.ts';
import { isInvalidTextIssue } from '../../lib/text.ts';
import { type ScreeningCandidate, screenCandidates } from '../../usecases/eligibility.ts';

/** Each candidate is validated alone (the POST /applications body without campaignId), so one malformed row fails alone. */
function parseCandidate(candidate: unknown): ScreeningCandidate {
  const parsed = Candidate.safeParse(candidate);
  if (parsed.success) return { facts: parsed.data as ApplicationFacts };
  return {
    failures: parsed.error.issues.map((i) => ({
      code:
        i.code === 'unrecognized_keys'
          ? 'UNKNOWN_FIELD'
          : isInvalidTextIssue(i)
            ? 'INVALID_TEXT'
            : 'VALIDATION_FAILED',
      path: i.path.join('.'),
      message: i.message,
    })),
  };
}

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await screenCandidates(
    { campaigns: campaignStore(), courts: courtStore(), now: clock.now },
    req.principal,
    req.body.campaignId,
    req.body.candidates.map(parseCandidate),
  ),
}));
export const { handler } = route;
