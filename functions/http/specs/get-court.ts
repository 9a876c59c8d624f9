import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, Court, CourtCode, notFound } from '../schemas.ts';

/** Court data is public reference data (法院名录), read by any authenticated caller. */
export const getCourt = defineSpec({
  operationId: 'getCourt',
  method: 'GET',
  path: '/courts/{code}',
  summary: 'One court',
  tags: ['reference'],
  auth: 'jwt',
  params: z.strictObject({ code: CourtCode }),
  responses: [{ status: 200, description: 'The court', schema: Court }, ...COMMON_ERRORS, notFound],
  // The registry is table data (ports/courts.ts), cached per container.
  access: { table: { read: ['COURTS'] } },
});
