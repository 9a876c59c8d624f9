import { applicationDeps } from '../../factories/dynamodb.ts';
import { insurerClient } from '../../factories/insurer.ts';
import { documentStorage } from '../../factories/s3.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { redeliverInsurerPackage as spec } from '../../http/specs/redeliver-insurer-package.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';
import { verifyInsurerRequest } from '../../lib/insurer-request.ts';
import { redeliverPackage } from '../../usecases/redeliver-package.ts';

export const route = defineRoute(spec, noAuthenticator, async (req) => {
  await verifyInsurerRequest(req.event);
  const body = await redeliverPackage(
    {
      ...applicationDeps(),
      workflow: approvalWorkflow(),
      storage: documentStorage(),
      insurer: insurerClient,
    },
    req.params.packageId,
  );
  return { status: 202, body };
});
export const { handler } = route;
