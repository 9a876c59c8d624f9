import { courtStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCourtAudit as spec } from '../../http/specs/get-court-audit.ts';
import { defineRoute } from '../../lib/http.ts';
import { courtAudit } from '../../usecases/get-court-audit.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await courtAudit({ courts: courtStore() }, req.params.code),
}));
export const { handler } = route;
