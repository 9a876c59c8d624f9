import { applicationDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listDocuments as spec } from '../../http/specs/list-documents.ts';
import { defineRoute } from '../../lib/http.ts';
import { listDocuments } from '../../usecases/list-documents.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: { items: await listDocuments(applicationDeps(), req.principal, req.params.id), nextCursor: null },
}));
export const { handler } = route;
