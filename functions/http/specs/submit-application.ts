import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { ApplicationParams, COMMON_ERRORS, problem, Required, RequiredText } from '../schemas.ts';

export const SubmitBody = z
  .strictObject({
    approvalForm: z.strictObject({
      reviewOpinion: RequiredText(4000).meta({ description: '审查意见' }),
      reviewedBy: Required(100).meta({ description: '审查人' }),
    }),
  })
  .meta({ id: 'SubmitApplication' });

export const submitApplication = idempotent({
  operationId: 'submitApplication',
  method: 'POST',
  path: '/applications/{id}/submit',
  summary: 'Submit a reviewed application for level-by-level approval (提交审批)',
  tags: ['approval'],
  auth: 'jwt',
  params: ApplicationParams,
  body: SubmitBody,
  responses: [
    {
      status: 202,
      description: 'Pending approval at the first level of the route',
      schema: z.object({
        id: z.string(),
        status: z.string(),
        pendingAt: z.string().nullable(),
        submissionSeq: z.int().nullable(),
      }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'OUTSIDE_HANDLING_WINDOW, INVALID_STATUS, CONCURRENT_UPDATE (retry after Retry-After)'),
    problem(422, 'MATERIALS_INCOMPLETE (missing types in errors), INELIGIBLE'),
  ],
  // Submitting starts the approval execution.
  access: {
    table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'REPORT', 'SEALQ'] },
    workflow: 'start',
  },
});
