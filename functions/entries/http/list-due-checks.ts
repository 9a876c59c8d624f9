import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listDueChecks as spec } from '../../http/specs/list-due-checks.ts';
import { defineRoute } from '../../lib/http.ts';
import { applicationView } from '../../usecases/applications.ts';
import { listDue } from '../../usecases/list-due.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const page = await listDue(applicationDeps(), req.principal, req.query);
  return {
    status: 200,
    body: {
      items: page.items.map((i) => ({
        ...applicationView(i.app, req.principal),
        overdue: i.overdue,
        escalatedAt: i.escalatedAt,
      })),
      nextCursor: page.nextCursor,
    },
  };
});
export const { handler } = route;
