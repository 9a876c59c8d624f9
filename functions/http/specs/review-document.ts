import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { COMMON_ERRORS, Document, DocumentParams, problem, Text } from '../schemas.ts';

export const ReviewDocumentBody = z
  .strictObject({
    verdict: z.enum(['accepted', 'rejected']),
    reason: Text(2000).default('').meta({ description: 'Required (not blank) for a rejection' }),
  })
  .meta({ id: 'DocumentReview' });

export const reviewDocument = idempotent({
  operationId: 'reviewDocument',
  method: 'POST',
  path: '/applications/{id}/documents/{documentId}/review',
  summary:
    'Accept or reject one uploaded scan (材料审查): the executing court’s clerk before submission, or the approver where the application waits (who must then return it)',
  tags: ['documents'],
  auth: 'jwt',
  params: DocumentParams,
  body: ReviewDocumentBody,
  responses: [
    {
      status: 200,
      description: 'The reviewed document (`rejected` with its review, or still `uploaded`)',
      schema: Document,
    },
    ...COMMON_ERRORS,
    problem(403, 'NOT_PENDING_AT_YOUR_COURT (an approver of another level), ROLE_FORBIDDEN'),
    problem(404, 'Unknown application or document, or outside your jurisdiction'),
    problem(
      409,
      'DOCUMENT_NOT_UPLOADED (still pending), DOCUMENT_ALREADY_REJECTED, MATERIALS_FROZEN (a clerk after submission), INVALID_STATUS, VERSION_CONFLICT',
    ),
    problem(422, 'REVIEW_REASON_REQUIRED (a rejection without a reason)'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});
