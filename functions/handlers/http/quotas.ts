import { z } from 'zod';
import { defineRoute } from '../../lib/http.ts';
import { getQuota, listQuotas, type QuotaView, setQuota } from '../../usecases/quotas.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { defineIdempotentRoute } from './idempotency.ts';
import { CourtCode, Fen, problem } from './schemas.ts';

export const Quota = z
  .object({
    campaignId: z.string(),
    highCourtCode: z.string(),
    allocatedFen: Fen,
    reservedFen: Fen,
    disbursedFen: Fen,
    remainingFen: Fen,
    updatedAt: z.string(),
  })
  .meta({ id: 'Quota' });

const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });
const QuotaParams = z.strictObject({ campaignId: z.string().min(1).max(64), highCourtCode: CourtCode });

export const putQuota = defineIdempotentRoute(
  {
    operationId: 'putQuota',
    method: 'PUT',
    path: '/campaigns/{campaignId}/quotas/{highCourtCode}',
    summary: "Set a high court's quota allocation (SPC)",
    tags: ['quotas'],
    auth: 'jwt',
    roles: ['spc-admin'],
    params: QuotaParams,
    body: z.strictObject({ allocatedFen: Fen }).meta({ id: 'QuotaAllocation' }),
    responses: [
      { status: 200, description: 'The quota', schema: Quota },
      ...COMMON_ERRORS,
      problem(404, 'Unknown campaign'),
      problem(409, 'QUOTA_BELOW_COMMITTED, CONCURRENT_UPDATE (retry after Retry-After)'),
      problem(422, 'NOT_A_QUOTA_HOLDER'),
    ],
  },
  authenticator,
  (quota: QuotaView) => ({ status: 200, body: quota, headers: {} }),
  (req, idempotency) =>
    setQuota(
      deps(),
      req.principal,
      req.params.campaignId,
      req.params.highCourtCode,
      req.body.allocatedFen,
      idempotency,
    ),
);

export const listQuotasRoute = defineRoute(
  {
    operationId: 'listQuotas',
    method: 'GET',
    path: '/campaigns/{campaignId}/quotas',
    summary: 'Quotas you may see (the SPC all; a high court its own)',
    tags: ['quotas'],
    auth: 'jwt',
    params: CampaignParams,
    responses: [
      {
        status: 200,
        description: 'Quotas',
        schema: z.object({ items: z.array(Quota), nextCursor: z.null() }),
      },
      ...COMMON_ERRORS,
      problem(404, 'Unknown campaign'),
    ],
  },
  authenticator,
  async (req) => ({
    status: 200,
    body: { items: await listQuotas(deps(), req.principal, req.params.campaignId), nextCursor: null },
  }),
);

export const getQuotaRoute = defineRoute(
  {
    operationId: 'getQuota',
    method: 'GET',
    path: '/campaigns/{campaignId}/quotas/{highCourtCode}',
    summary: "One high court's quota",
    tags: ['quotas'],
    auth: 'jwt',
    params: QuotaParams,
    responses: [
      { status: 200, description: 'The quota', schema: Quota },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or not yours'),
    ],
  },
  authenticator,
  async (req) => ({
    status: 200,
    body: await getQuota(deps(), req.principal, req.params.campaignId, req.params.highCourtCode),
  }),
);
