import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, CourtCode, problem } from '../schemas.ts';

const CourtAuditEntry = z
  .looseObject({
    seq: z.number(),
    at: z.string(),
    actor: z.object({ sub: z.string(), court: z.string(), roles: z.array(z.string()) }),
    action: z.string(),
    courts: z.array(z.string()),
    detail: z.record(z.string(), z.unknown()),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: 'CourtAuditEntry' });

/**
 * GET /courts/{code}/audit: the registry's changes naming this court, oldest first, and whether the
 * registry's whole hash chain (every PUT and import, one chain) verifies.
 */
export const getCourtAudit = defineSpec({
  operationId: 'getCourtAudit',
  method: 'GET',
  path: '/courts/{code}/audit',
  summary: 'The audit trail of one court (the registry’s hash chain, filtered)',
  tags: ['reference'],
  auth: 'jwt',
  params: z.strictObject({ code: CourtCode }),
  responses: [
    {
      status: 200,
      description: 'The trail',
      schema: z.object({ items: z.array(CourtAuditEntry), chainValid: z.boolean() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown court'),
  ],
  access: { table: { read: ['COURTS', 'COURTS_AUDIT'] } },
});
