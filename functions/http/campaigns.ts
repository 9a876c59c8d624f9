import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import { AuditEntry, Campaign, CreateCampaignBody, PatchCampaignBody, problem } from './schemas.ts';

const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });

const CAMPAIGN_INVALID =
  'CAMPAIGN_INVALID, with every failure in errors: INVALID_DATE, PREPARATION_ENDS_BEFORE_START, HANDLING_NOT_AFTER_PREPARATION, HANDLING_ENDS_BEFORE_START, REPORT_DUE_NOT_AFTER_HANDLING, SPECIAL_LIMIT_BELOW_STANDARD';

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

export const getCampaignAudit = defineSpec({
  operationId: 'getCampaignAudit',
  method: 'GET',
  path: '/campaigns/{campaignId}/audit',
  summary: "A campaign's hash-chained change trail (活动设置留痕), with its verification (SPC)",
  tags: ['campaigns'],
  auth: 'jwt',
  params: CampaignParams,
  responses: [
    {
      status: 200,
      description:
        'Entries oldest first (actions `campaign.created` with the campaign, `campaign.updated` with each changed field `{from, to}`; fromStatus and toStatus are null). The header Audit-Chain says whether the hash chain verifies: `valid`, or `broken; seq=N; reason=R`.',
      schema: z.array(AuditEntry),
    },
    ...COMMON_ERRORS,
    problem(403, 'CAMPAIGN_AUDIT_NOT_VISIBLE (read at the SPC)'),
    problem(404, 'Unknown campaign'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'CAMPAIGN_AUDIT'] } },
});
