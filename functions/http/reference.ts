import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { Campaign, Court, CourtCode, CourtsQuery, Page, Problem } from './schemas.ts';

const notFound = {
  status: 404,
  description: 'Unknown',
  schema: Problem,
  contentType: 'application/problem+json',
};

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

export const listCourts = defineSpec({
  operationId: 'listCourts',
  method: 'GET',
  path: '/courts',
  summary: 'Courts, filtered by level, parent or province',
  tags: ['reference'],
  auth: 'jwt',
  query: CourtsQuery,
  responses: [{ status: 200, description: 'A page', schema: Page(Court) }, ...COMMON_ERRORS],
  access: { table: { read: ['COURTS'] } },
});

export const listCampaigns = defineSpec({
  operationId: 'listCampaigns',
  method: 'GET',
  path: '/campaigns',
  summary: 'Relief campaigns (集中保险救助活动)',
  tags: ['reference'],
  auth: 'jwt',
  responses: [{ status: 200, description: 'All campaigns', schema: Page(Campaign) }, ...COMMON_ERRORS],
  access: { table: { read: ['CAMPAIGNS'] } },
});

export const getCampaign = defineSpec({
  operationId: 'getCampaign',
  method: 'GET',
  path: '/campaigns/{campaignId}',
  summary: 'One campaign',
  tags: ['reference'],
  auth: 'jwt',
  params: z.strictObject({ campaignId: z.string().min(1).max(64) }),
  responses: [{ status: 200, description: 'The campaign', schema: Campaign }, ...COMMON_ERRORS, notFound],
  access: { table: { read: ['CAMPAIGNS'] } },
});
