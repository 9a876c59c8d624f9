import { idempotent } from '../idempotency.ts';
import {
  CAMPAIGN_INVALID,
  Campaign,
  CampaignParams,
  COMMON_ERRORS,
  PatchCampaignBody,
  problem,
} from '../schemas.ts';

export const patchCampaign = idempotent({
  operationId: 'patchCampaign',
  method: 'PATCH',
  path: '/campaigns/{campaignId}',
  summary: 'Change a campaign (SPC; If-Match required)',
  tags: ['campaigns'],
  auth: 'jwt',
  roles: ['spc-admin'],
  params: CampaignParams,
  body: PatchCampaignBody,
  headers: [{ name: 'If-Match', required: true, description: 'The ETag you read.' }],
  responses: [
    { status: 200, description: 'Changed', schema: Campaign },
    ...COMMON_ERRORS,
    problem(404, 'Unknown campaign'),
    problem(
      409,
      'VERSION_CONFLICT; LIMIT_BELOW_APPROVED (a limit below a claim already approved, the limit named in errors); CONCURRENT_UPDATE',
    ),
    problem(422, CAMPAIGN_INVALID),
    problem(428, 'IF_MATCH_REQUIRED'),
  ],
  access: {
    table: { read: ['CAMPAIGN_APPROVALS'], write: ['CAMPAIGNS', 'CAMPAIGN_AUDIT', 'IDEMP', 'SEALQ'] },
  },
});
