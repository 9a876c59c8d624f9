import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { PackageParams, problem, REQUEST_SIGNATURE } from '../schemas.ts';

/** `GET /insurer/packages/{packageId}` — the insurer asks where a package stands (signed request; no JWT). */
export const getInsurerPackage = defineSpec({
  operationId: 'getInsurerPackage',
  method: 'GET',
  path: '/insurer/packages/{packageId}',
  summary: "A package's status for the insurer (signed over method, path and timestamp; no JWT)",
  tags: ['insurer'],
  auth: 'public',
  params: PackageParams,
  headers: [REQUEST_SIGNATURE],
  responses: [
    {
      status: 200,
      description: 'Where the package stands',
      schema: z.object({
        packageId: z.string(),
        approved: z.boolean(),
        dispatched: z.boolean(),
        paid: z.boolean(),
        declined: z.boolean(),
        amountFen: z.int(),
        transactionRef: z.string().nullable(),
        dispatchedAt: z.string().nullable(),
        paidAt: z.string().nullable(),
      }),
    },
    problem(401, 'INVALID_SIGNATURE'),
    problem(404, 'Unknown package'),
  ],
  access: { table: { read: ['APP'] }, insurer: 'receive' },
});
