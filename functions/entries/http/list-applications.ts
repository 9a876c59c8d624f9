import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listApplications as spec } from '../../http/specs/list-applications.ts';
import { defineRoute } from '../../lib/http.ts';
import type { ApplicationStatus } from '../../ports/applications.ts';
import { applicationView, queueEntryView } from '../../usecases/applications.ts';
import { listApplications } from '../../usecases/list-applications.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const deps = applicationDeps();
  const page = await listApplications(deps, req.principal, {
    ...req.query,
    status: req.query.status as ApplicationStatus | undefined,
  });
  const now = deps.now();
  const view = (a: (typeof page.items)[number]) =>
    req.query.pendingAt ? queueEntryView(a, req.principal, now) : applicationView(a, req.principal);
  return { status: 200, body: { items: page.items.map(view), nextCursor: page.nextCursor } };
});
export const { handler } = route;
