import * as z from 'zod';
import { defineRoute } from '../../lib/http.ts';
import { getQuota, getQuotaAudit, listQuotas, type QuotaView, setQuota } from '../../usecases/quotas.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS } from './applications.ts';
import { defineIdempotentRoute } from './idempotency.ts';
import { AuditEntry, CourtCode, Fen, problem } from './schemas.ts';

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

export const getQuotaAuditRoute = defineRoute(
  {
    operationId: 'getQuotaAudit',
    method: 'GET',
    path: '/campaigns/{campaignId}/quotas/{highCourtCode}/audit',
    summary: "A quota's hash-chained allocation trail (额度调整留痕), with its verification",
    tags: ['quotas'],
    auth: 'jwt',
    params: QuotaParams,
    responses: [
      {
        status: 200,
        description:
          'Entries oldest first (action `quota.allocated`, detail with fromAllocatedFen and toAllocatedFen; fromStatus and toStatus are null). The header Audit-Chain says whether the hash chain verifies: `valid`, or `broken; seq=N; reason=R`.',
        schema: z.array(AuditEntry),
      },
      ...COMMON_ERRORS,
      problem(404, 'Unknown campaign or quota, or not yours'),
    ],
  },
  authenticator,
  async (req) => {
    const { entries, verification } = await getQuotaAudit(
      deps(),
      req.principal,
      req.params.campaignId,
      req.params.highCourtCode,
    );
    const chainHeader = verification.valid
      ? 'valid'
      : `broken; seq=${verification.brokenAtSeq}; reason=${verification.reason}`;
    return { status: 200, body: entries, headers: { 'audit-chain': chainHeader } };
  },
);
