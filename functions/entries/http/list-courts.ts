import { courtStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listCourts as spec } from '../../http/specs/list-courts.ts';
import { defineRoute } from '../../lib/http.ts';
import { listCourts } from '../../usecases/list-courts.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await listCourts({ courts: courtStore() }, req.query),
}));
export const { handler } = route;
