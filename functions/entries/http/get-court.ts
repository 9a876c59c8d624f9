import { courtStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCourt } from '../../http/specs/get-court.ts';
import { defineRoute } from '../../lib/http.ts';
import { findCourt } from '../../usecases/find-court.ts';

export const route = defineRoute(getCourt, authenticator, async (req) => ({
  status: 200,
  body: await findCourt({ courts: courtStore() }, req.params.code),
}));
export const { handler } = route;
