import { writtenReport } from '../../domain/written-report.ts';
import { reportDeps } from '../../factories/dynamodb.ts';
import { reportDocxRenderer } from '../../factories/renderer.ts';
import { authenticator } from '../../factories/verifier.ts';
import { DOCX } from '../../http/schemas.ts';
import { getReportSummary as spec } from '../../http/specs/get-report-summary.ts';
import { defineRoute } from '../../lib/http.ts';
import { reportSummary } from '../../usecases/get-report-summary.ts';

/** RFC 5987 attr-chars: percent-encode the UTF-8 bytes of everything else (encodeURIComponent leaves ' ( ) * as they are). */
const rfc5987 = (name: string) =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const route = defineRoute(spec, authenticator, async (req) => {
  const input = await reportSummary(
    reportDeps(),
    req.principal,
    req.params.campaignId,
    req.query.highCourtCode,
  );
  const written = writtenReport(input);
  // The document renders in the renderer's function (docx is not in this bundle).
  const data = await reportDocxRenderer().render(written);
  return {
    status: 200,
    raw: { contentType: DOCX, data },
    headers: {
      // RFC 6266 / RFC 5987: an ASCII fallback, and the Chinese name percent-encoded in UTF-8.
      'content-disposition': `attachment; filename="report-summary-${input.campaign.id}.docx"; filename*=UTF-8''${rfc5987(written.fileName)}`,
    },
  };
});
export const { handler } = route;
