import { idempotent } from '../idempotency.ts';
import { CAMPAIGN_INVALID, Campaign, COMMON_ERRORS, CreateCampaignBody, problem } from '../schemas.ts';

export const createCampaign = idempotent({
  operationId: 'createCampaign',
  method: 'POST',
  path: '/campaigns',
  summary: 'Create a relief campaign (SPC)',
  tags: ['campaigns'],
  auth: 'jwt',
  roles: ['spc-admin'],
  body: CreateCampaignBody,
  responses: [
    { status: 201, description: 'Created (ETag "v1")', schema: Campaign },
    ...COMMON_ERRORS,
    problem(409, 'CAMPAIGN_EXISTS'),
    problem(422, CAMPAIGN_INVALID),
  ],
  access: {
    table: { read: ['CAMPAIGN_APPROVALS'], write: ['CAMPAIGNS', 'CAMPAIGN_AUDIT', 'IDEMP', 'SEALQ'] },
  },
});
