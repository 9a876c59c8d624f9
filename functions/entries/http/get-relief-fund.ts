import { applicationRepository, campaignStore, reportStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getReliefFund as spec } from '../../http/specs/get-relief-fund.ts';
import { defineRoute } from '../../lib/http.ts';
import { reliefFund } from '../../usecases/relief-fund.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const deps = { repo: applicationRepository(), reports: reportStore(), campaigns: campaignStore() };
  return { status: 200, body: await reliefFund(deps, req.principal, req.query.campaignId) };
});
export const { handler } = route;
