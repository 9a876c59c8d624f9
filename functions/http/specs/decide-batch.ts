import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { COMMON_ERRORS, DecisionBody, Pattern } from '../schemas.ts';

export const DecisionBatchBody = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          applicationId: Pattern(/^[0-9A-Z]{26}$/).meta({ description: 'ULID' }),
          ...DecisionBody.shape,
        }),
      )
      .min(1)
      .max(200),
  })
  .meta({ id: 'DecisionBatch' });

export const DecisionBatchResult = z
  .object({
    results: z.array(
      z.object({
        applicationId: z.string(),
        status: z.string().nullable(),
        pendingAt: z.string().nullable(),
        code: z.string().optional(),
        message: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DecisionBatchResult' });

export const decideBatch = idempotent({
  operationId: 'decideBatch',
  // Up to 200 decisions one after the other (each its own transaction, ~3 requests): more than 10 s.
  timeoutSeconds: 29,
  method: 'POST',
  path: '/decision-batches',
  summary: 'Decide up to 200 applications waiting at your court in one request (批量审批)',
  tags: ['approval'],
  auth: 'jwt',
  body: DecisionBatchBody,
  responses: [
    {
      status: 200,
      description:
        'One result per item, in the order given; `code` only on a refused item. Each item is decided on its own, sequentially in the given order, exactly as `POST /applications/{id}/decisions` would (jurisdiction, level, submitter ≠ approver, quota at the high court), each in its own transaction: an item is applied whole or not at all. A refused item carries the single decision’s code (e.g. QUOTA_EXCEEDED once the quota runs out, NOT_FOUND for an id outside your jurisdiction, NOT_PENDING_AT_YOUR_COURT), its current `status` and `pendingAt` where you may see it; a repeated id is DUPLICATE_IN_BATCH; an unexpected failure of one item is INTERNAL_ERROR for that item only; when the batch’s time runs short the items not reached are NOT_ATTEMPTED (nothing written for them: send them again in a new batch, with a new key). With Idempotency-Key the results are recorded for the whole batch.',
      schema: DecisionBatchResult,
    },
    ...COMMON_ERRORS,
  ],
  // Each item's decision answers its waiting task token.
  access: {
    table: {
      read: ['CAMPAIGNS', 'COURTS'],
      write: ['APP', 'CAMPAIGN_APPROVALS', 'DUP', 'IDEMP', 'QUOTA', 'REPORT', 'SEALQ'],
    },
    workflow: 'respond',
  },
});
