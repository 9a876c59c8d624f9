import { campaignStore, quotaLedger } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getQuotaAudit as spec } from '../../http/specs/get-quota-audit.ts';
import { auditChainHeader, defineRoute } from '../../lib/http.ts';
import { getQuotaAudit } from '../../usecases/get-quota-audit.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const { entries, verification } = await getQuotaAudit(
    { quotas: quotaLedger(), campaigns: campaignStore() },
    req.principal,
    req.params.campaignId,
    req.params.highCourtCode,
  );
  return { status: 200, body: entries, headers: { 'audit-chain': auditChainHeader(verification) } };
});
export const { handler } = route;
