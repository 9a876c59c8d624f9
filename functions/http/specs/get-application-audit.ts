import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { ApplicationParams, AuditEntry, COMMON_ERRORS, problem } from '../schemas.ts';

export const getApplicationAudit = defineSpec({
  operationId: 'getApplicationAudit',
  method: 'GET',
  path: '/applications/{id}/audit',
  summary: 'The hash-chained audit trail (全程留痕) of an application, with its verification',
  tags: ['applications'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    {
      status: 200,
      description:
        "Entries oldest first (an array, per the contract): the application's own chain and each document's chain (grant, upload, rejection, reviews; those entries carry `documentId`, and their seq is on that document's chain), merged by time. Each submission and decision anchors the heads of the document chains it read (`detail.documentChains`). The header Audit-Chain says whether every chain and anchor verifies: `valid`, or `broken; seq=N; reason=R` (with `; document=<id>` when the break is on a document's chain or its anchor).",
      schema: z.array(AuditEntry),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});
