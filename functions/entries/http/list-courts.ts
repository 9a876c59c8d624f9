import { authenticator } from '../../factories/verifier.ts';
import { listCourts as spec } from '../../http/reference.ts';
import { defineRoute } from '../../lib/http.ts';
import { listCourts } from '../../usecases/reference.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: listCourts(req.query),
}));
export const { handler } = route;
