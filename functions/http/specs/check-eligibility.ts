import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, CreateApplicationBody, problem, Required } from '../schemas.ts';

/** One candidate is the POST /applications body without campaignId. */
export const Candidate = CreateApplicationBody.omit({ campaignId: true });

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
    // Candidates are validated one by one by the route, so one malformed row fails alone, not the batch.
    candidates: z.array(z.unknown()).min(1).max(MAX_CANDIDATES),
  })
  .meta({ id: 'EligibilityCheck' });

/**
 * 排查: runs eligibility on up to 1,000 candidate cases of the caller's court, persisting nothing.
 * Each result carries every failure (validation or eligibility) with its stable code.
 */
export const checkEligibility = defineSpec({
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
  // Screening persists nothing: it only reads the campaign.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'] } },
});
