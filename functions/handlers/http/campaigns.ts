import { z } from 'zod';
import { BadRequestError, PreconditionRequiredError } from '../../lib/errors.ts';
import { defineRoute } from '../../lib/http.ts';
import type { StoredCampaign } from '../../ports/campaigns.ts';
import { versionFromIfMatch } from '../../usecases/applications.ts';
import {
  campaignEtag,
  campaignView,
  createCampaign,
  getCampaignAudit,
  patchCampaign,
} from '../../usecases/campaigns.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { defineIdempotentRoute } from './idempotency.ts';
import { AuditEntry, Campaign, CreateCampaignBody, PatchCampaignBody, problem } from './schemas.ts';

const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });

const CAMPAIGN_INVALID =
  'CAMPAIGN_INVALID, with every failure in errors: INVALID_DATE, PREPARATION_ENDS_BEFORE_START, HANDLING_NOT_AFTER_PREPARATION, HANDLING_ENDS_BEFORE_START, REPORT_DUE_NOT_AFTER_HANDLING, SPECIAL_LIMIT_BELOW_STANDARD';

const respond = (status: number) => (c: StoredCampaign) => ({
  status,
  body: campaignView(c),
  headers: { etag: campaignEtag(c), ...(status === 201 ? { location: `/campaigns/${c.id}` } : {}) },
});

export const createCampaignRoute = defineIdempotentRoute(
  {
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
  },
  authenticator,
  respond(201),
  (req, idempotency) => createCampaign(deps(), req.principal, req.body, idempotency),
);

export const patchCampaignRoute = defineIdempotentRoute(
  {
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
  },
  authenticator,
  respond(200),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = versionFromIfMatch(ifMatch);
    if (ifMatch === undefined)
      throw new PreconditionRequiredError('IF_MATCH_REQUIRED', 'Send If-Match with the ETag you read.');
    if (version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return patchCampaign(deps(), req.principal, req.params.campaignId, version, req.body, idempotency);
  },
);

export const getCampaignAuditRoute = defineRoute(
  {
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
  },
  authenticator,
  async (req) => {
    const { entries, verification } = await getCampaignAudit(deps(), req.principal, req.params.campaignId);
    const chainHeader = verification.valid
      ? 'valid'
      : `broken; seq=${verification.brokenAtSeq}; reason=${verification.reason}`;
    return { status: 200, body: entries, headers: { 'audit-chain': chainHeader } };
  },
);
