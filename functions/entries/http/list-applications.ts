import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listApplications as spec } from '../../http/applications.ts';
import { defineRoute } from '../../lib/http.ts';
import type { ApplicationStatus } from '../../ports/applications.ts';
import { applicationView, listApplications } from '../../usecases/applications.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const page = await listApplications(applicationDeps(), req.principal, {
    ...req.query,
    status: req.query.status as ApplicationStatus | undefined,
  });
  return {
    status: 200,
    body: { items: page.items.map((a) => applicationView(a, req.principal)), nextCursor: page.nextCursor },
  };
});
export const { handler } = route;
