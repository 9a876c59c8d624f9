import { applicationDeps } from '../../factories/dynamodb.ts';
import { rulingDocxRenderer } from '../../factories/renderer.ts';
import { authenticator } from '../../factories/verifier.ts';
import { DOCX } from '../../http/schemas.ts';
import { getRuling as spec } from '../../http/specs/get-ruling.ts';
import { defineRoute } from '../../lib/http.ts';
import { getRuling } from '../../usecases/get-ruling.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const { app, ruling } = await getRuling(applicationDeps(), req.principal, req.params.id);
  if ((req.headers.accept ?? '').includes(DOCX)) {
    // Only this Accept renders a document, in the renderer's function (docx is not in this bundle).
    const data = await rulingDocxRenderer().render({
      ruling,
      meta: { courtName: ruling.paragraphs[0] ?? app.courtCode, caseNumber: app.case.caseNumber },
    });
    return {
      status: 200,
      raw: { contentType: DOCX, data },
      headers: { 'content-disposition': `attachment; filename="ruling-${app.id}.docx"` },
    };
  }
  return {
    status: 200,
    body: { text: ruling.text, closingReason: ruling.closingReason, paragraphs: ruling.paragraphs },
  };
});
export const { handler } = route;
