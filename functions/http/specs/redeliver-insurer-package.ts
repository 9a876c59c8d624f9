import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { PackageParams, problem, REQUEST_SIGNATURE } from '../schemas.ts';

/** `POST /insurer/packages/{packageId}/redelivery` — the insurer asks for the package again. */
export const redeliverInsurerPackage = defineSpec({
  operationId: 'redeliverInsurerPackage',
  method: 'POST',
  path: '/insurer/packages/{packageId}/redelivery',
  summary:
    'Send a package to the insurer again (signed like the package query; idempotent: the same package)',
  tags: ['insurer'],
  auth: 'public',
  params: PackageParams,
  headers: [REQUEST_SIGNATURE],
  responses: [
    {
      status: 202,
      description: 'Sent again',
      schema: z.object({ packageId: z.string(), redelivered: z.boolean() }),
    },
    problem(401, 'INVALID_SIGNATURE'),
    problem(404, 'Unknown package'),
    problem(409, 'PACKAGE_NOT_AWAITING_PAYOUT'),
  ],
  access: {
    table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ'] },
    bucket: 'read',
    workflow: 'respond',
    insurer: 'both',
  },
});
