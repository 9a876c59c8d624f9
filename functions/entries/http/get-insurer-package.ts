import { applicationRepository } from '../../factories/dynamodb.ts';
import { getInsurerPackage as spec } from '../../http/specs/get-insurer-package.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';
import { verifyInsurerRequest } from '../../lib/insurer-request.ts';
import { getPackageStatus } from '../../usecases/get-package-status.ts';

export const route = defineRoute(spec, noAuthenticator, async (req) => {
  await verifyInsurerRequest(req.event);
  return {
    status: 200,
    body: await getPackageStatus({ repo: applicationRepository() }, req.params.packageId),
  };
});
export const { handler } = route;
