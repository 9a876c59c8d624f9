import { applicationDeps } from '../../factories/dynamodb.ts';
import { documentStorage } from '../../factories/s3.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getDocument as spec } from '../../http/specs/get-document.ts';
import { defineRoute } from '../../lib/http.ts';
import { getDocument } from '../../usecases/get-document.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await getDocument(
    { ...applicationDeps(), storage: documentStorage() },
    req.principal,
    req.params.id,
    req.params.documentId,
  ),
}));
export const { handler } = route;
