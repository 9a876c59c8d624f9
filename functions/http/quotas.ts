import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
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

export const putQuota = idempotent({
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
  access: { table: { read: ['CAMPAIGNS'], write: ['IDEMP', 'QUOTA', 'QUOTA_AUDIT', 'SEALQ'] } },
});

export const listQuotas = defineSpec({
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
  access: { table: { read: ['CAMPAIGNS', 'QUOTA'] } },
});

export const getQuota = defineSpec({
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
  access: { table: { read: ['CAMPAIGNS', 'QUOTA'] } },
});

export const getQuotaAudit = defineSpec({
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
  access: { table: { read: ['CAMPAIGNS', 'QUOTA', 'QUOTA_AUDIT'] } },
});
