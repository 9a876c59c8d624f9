import { z } from 'zod';
import { shanghaiDate } from '../../domain/campaigns.ts';
import { type ApplicationFacts, evaluateEligibility } from '../../domain/eligibility.ts';
import { ForbiddenError, UnprocessableError } from '../../lib/errors.ts';
import { defineRoute } from '../../lib/http.ts';
import { isInvalidTextIssue } from '../../lib/text.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { CreateApplicationBody, problem, Required } from './schemas.ts';

/** One candidate is the POST /applications body without campaignId. */
const Candidate = CreateApplicationBody.omit({ campaignId: true });
const Failure = z.object({
  code: z.string(),
  path: z.string(),
  message: z.string(),
  messageZh: z.string().optional(),
});

export const MAX_CANDIDATES = 1000;

export const EligibilityCheckBody = z
  .strictObject({
    campaignId: Required(64),
    // Candidates are validated one by one below, so one malformed row fails alone, not the batch.
    candidates: z.array(z.unknown()).min(1).max(MAX_CANDIDATES),
  })
  .meta({ id: 'EligibilityCheck' });

/**
 * 排查: runs eligibility on up to 1,000 candidate cases of the caller's court, persisting nothing.
 * Each result carries every failure (validation or eligibility) with its stable code.
 */
export const eligibilityChecks = defineRoute(
  {
    operationId: 'checkEligibility',
    method: 'POST',
    path: '/eligibility-checks',
    summary: 'Screen up to 1,000 candidate cases for eligibility (no persistence)',
    tags: ['applications'],
    auth: 'jwt',
    roles: ['clerk', 'approver'],
    body: EligibilityCheckBody,
    maxBodyBytes: 4 * 1024 * 1024,
    responses: [
      {
        status: 200,
        description: 'One result per candidate, in order',
        schema: z.object({
          results: z.array(z.object({ index: z.int(), eligible: z.boolean(), failures: z.array(Failure) })),
          summary: z.object({ total: z.int(), eligible: z.int(), ineligible: z.int() }),
        }),
      },
      ...COMMON_ERRORS,
      problem(413, 'Over 4 MiB'),
      problem(422, 'UNKNOWN_CAMPAIGN'),
    ],
  },
  authenticator,
  async (req) => {
    const court = (await deps().courts.registry()).get(req.principal.court);
    if (!court || court.level === 'spc')
      throw new ForbiddenError('COURT_CANNOT_EXECUTE', 'Screening is for executing courts.');
    const campaign = await deps().campaigns.get(req.body.campaignId);
    if (!campaign)
      throw new UnprocessableError('UNKNOWN_CAMPAIGN', `Campaign "${req.body.campaignId}" does not exist.`);
    const today = shanghaiDate(deps().now());
    const results = req.body.candidates.map((candidate, index) => {
      const parsed = Candidate.safeParse(candidate);
      if (!parsed.success) {
        return {
          index,
          eligible: false,
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
      const result = evaluateEligibility(parsed.data as ApplicationFacts, {
        campaign,
        executingCourt: court,
        today,
      });
      return { index, eligible: result.eligible, failures: result.failures };
    });
    const eligible = results.filter((r) => r.eligible).length;
    return {
      status: 200,
      body: { results, summary: { total: results.length, eligible, ineligible: results.length - eligible } },
    };
  },
);
