import { reportDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getFrozenReport as spec } from '../../http/specs/get-frozen-report.ts';
import { defineRoute } from '../../lib/http.ts';
import { frozenReport } from '../../usecases/get-frozen-report.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await frozenReport(reportDeps(), req.principal, req.params.campaignId, req.params.highCourtCode),
}));
export const { handler } = route;
