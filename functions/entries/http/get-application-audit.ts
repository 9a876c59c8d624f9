import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getApplicationAudit as spec } from '../../http/specs/get-application-audit.ts';
import { auditChainHeader, defineRoute } from '../../lib/http.ts';
import { applicationAudit } from '../../usecases/audit.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const { entries, verification } = await applicationAudit(applicationDeps(), req.principal, req.params.id);
  return { status: 200, body: entries, headers: { 'audit-chain': auditChainHeader(verification) } };
});
export const { handler } = route;
