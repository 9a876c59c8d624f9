import { campaignStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCampaignAudit as spec } from '../../http/specs/get-campaign-audit.ts';
import { auditChainHeader, defineRoute } from '../../lib/http.ts';
import { getCampaignAudit } from '../../usecases/get-campaign-audit.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const { entries, verification } = await getCampaignAudit(
    { campaignStore: campaignStore() },
    req.principal,
    req.params.campaignId,
  );
  return { status: 200, body: entries, headers: { 'audit-chain': auditChainHeader(verification) } };
});
export const { handler } = route;
