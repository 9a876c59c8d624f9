import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../../lib/errors.ts';
import { defineRoute } from '../../lib/http.ts';
import { campaignEtag, campaignView } from '../../usecases/campaigns.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { Campaign, Court, CourtCode, CourtsQuery, Page, Problem } from './schemas.ts';

const notFound = {
  status: 404,
  description: 'Unknown',
  schema: Problem,
  contentType: 'application/problem+json',
};

/** Court data is public reference data (法院名录), read by any authenticated caller. */
export const getCourt = defineRoute(
  {
    operationId: 'getCourt',
    method: 'GET',
    path: '/courts/{code}',
    summary: 'One court',
    tags: ['reference'],
    auth: 'jwt',
    params: z.strictObject({ code: CourtCode }),
    responses: [{ status: 200, description: 'The court', schema: Court }, ...COMMON_ERRORS, notFound],
  },
  authenticator,
  async (req) => {
    const court = (await deps().courts.registry()).get(req.params.code);
    if (!court) throw new NotFoundError(`No court with code ${req.params.code}.`);
    return { status: 200, body: court };
  },
);

export const listCourts = defineRoute(
  {
    operationId: 'listCourts',
    method: 'GET',
    path: '/courts',
    summary: 'Courts, filtered by level, parent or province',
    tags: ['reference'],
    auth: 'jwt',
    query: CourtsQuery,
    responses: [{ status: 200, description: 'A page', schema: Page(Court) }, ...COMMON_ERRORS],
  },
  authenticator,
  async (req) => {
    const { level, parentCode, province, limit, cursor } = req.query;
    const all = (await deps().courts.registry()).courts.filter(
      (c) =>
        (!level || c.level === level) &&
        (!parentCode || c.parentCode === parentCode) &&
        (!province || c.province === province),
    );
    let start = 0;
    if (cursor) {
      const index = all.findIndex((c) => Buffer.from(c.code).toString('base64url') === cursor);
      if (index < 0) throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
      start = index + 1;
    }
    const items = all.slice(start, start + limit);
    const last = items.at(-1);
    const nextCursor =
      last && start + limit < all.length ? Buffer.from(last.code).toString('base64url') : null;
    return { status: 200, body: { items, nextCursor } };
  },
);

export const listCampaigns = defineRoute(
  {
    operationId: 'listCampaigns',
    method: 'GET',
    path: '/campaigns',
    summary: 'Relief campaigns (集中保险救助活动)',
    tags: ['reference'],
    auth: 'jwt',
    responses: [{ status: 200, description: 'All campaigns', schema: Page(Campaign) }, ...COMMON_ERRORS],
  },
  authenticator,
  async () => ({
    status: 200,
    body: { items: (await deps().campaigns.list()).map(campaignView), nextCursor: null },
  }),
);

export const getCampaign = defineRoute(
  {
    operationId: 'getCampaign',
    method: 'GET',
    path: '/campaigns/{campaignId}',
    summary: 'One campaign',
    tags: ['reference'],
    auth: 'jwt',
    params: z.strictObject({ campaignId: z.string().min(1).max(64) }),
    responses: [{ status: 200, description: 'The campaign', schema: Campaign }, ...COMMON_ERRORS, notFound],
  },
  authenticator,
  async (req) => {
    const campaign = await deps().campaigns.get(req.params.campaignId, { consistent: true });
    if (!campaign) throw new NotFoundError(`No campaign ${req.params.campaignId}.`);
    return { status: 200, body: campaignView(campaign), headers: { etag: campaignEtag(campaign) } };
  },
);
