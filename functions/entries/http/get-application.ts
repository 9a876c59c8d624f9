import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getApplication as spec } from '../../http/specs/get-application.ts';
import { etagOf } from '../../lib/etag.ts';
import { defineRoute } from '../../lib/http.ts';
import { applicationView, loadVisible } from '../../usecases/applications.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const app = await loadVisible(applicationDeps(), req.principal, req.params.id);
  return { status: 200, body: applicationView(app, req.principal), headers: { etag: etagOf(app) } };
});
export const { handler } = route;
