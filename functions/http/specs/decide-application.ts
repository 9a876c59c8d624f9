import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { ApplicationParams, COMMON_ERRORS, DecisionBody, problem } from '../schemas.ts';

export const decideApplication = idempotent({
  operationId: 'decideApplication',
  method: 'POST',
  path: '/applications/{id}/decisions',
  summary: 'Approve, reject or return an application waiting at your court (审批)',
  tags: ['approval'],
  auth: 'jwt',
  params: ApplicationParams,
  body: DecisionBody,
  responses: [
    {
      status: 200,
      description:
        'The new status and where the application waits now; `decision.documents` is the evidence set it saw ({documentId, type, sha256} of each document)',
      schema: z.object({
        status: z.string(),
        pendingAt: z.string().nullable(),
        decision: z.object({}).loose(),
      }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(
      409,
      'DECISION_ALREADY_RECORDED, QUOTA_EXCEEDED, INVALID_STATUS, VERSION_CONFLICT, CONCURRENT_UPDATE (retry after Retry-After)',
    ),
    problem(
      422,
      'COMMENT_REQUIRED, MATERIALS_INCOMPLETE (approve only: a document of the evidence set was rejected meanwhile; return the application)',
    ),
  ],
  // Deciding answers the waiting task token.
  access: {
    table: {
      read: ['CAMPAIGNS', 'COURTS'],
      write: ['APP', 'CAMPAIGN_APPROVALS', 'DUP', 'IDEMP', 'QUOTA', 'REPORT', 'SEALQ'],
    },
    workflow: 'respond',
  },
});
