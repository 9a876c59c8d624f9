import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { DeclaredRoute } from '../lib/route-spec.ts';

/**
 * Request headers that authenticate a public route by themselves: documented as an apiKey security
 * scheme of the operation (not as a plain parameter), so clients and linters see how it is secured.
 */
const SIGNATURE_SCHEMES: readonly { header: string; scheme: string; description: string }[] = [
  {
    header: 'Relief-Signature',
    scheme: 'reliefSignature',
    description:
      'The insurer’s signature of the raw request body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` ' +
      '(several `v1=` during a secret rotation; a timestamp more than 300 s away is refused). The secret is agreed ' +
      'with the insurer. Where the deployment IAM-authorises the webhook (aws-cn without an ICP licence, or ' +
      '`insurerIamAuth`), the call must also be SigV4-signed with the insurer webhook role.',
  },
];
const signatureSchemeOf = (header: string) =>
  SIGNATURE_SCHEMES.find((s) => s.header.toLowerCase() === header.toLowerCase());

/** Any route may be throttled: by the stage's rate limit at the gateway, or by the store behind it. */
/** A file's bytes (a .docx, a workbook, CSV text). */
const BINARY = z.string().meta({ format: 'binary' });

const THROTTLED = {
  description:
    'Too Many Requests: throttled by the API’s rate limit (API Gateway answers `{"message":"Too Many Requests"}`) ' +
    'or by the store (problem+json, code `THROTTLED`, with `Retry-After`). Retry with backoff.',
};

/** Generates the served OpenAPI 3.1 document from the route specs and their zod schemas. */
export function buildOpenApiDocument(routes: readonly DeclaredRoute[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'courtJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token from the courts’ OIDC provider with claims sub, court and roles.',
  });
  for (const { header, scheme, description } of SIGNATURE_SCHEMES) {
    registry.registerComponent('securitySchemes', scheme, {
      type: 'apiKey',
      in: 'header',
      name: header,
      description,
    });
  }
  for (const { spec } of routes) {
    if (spec.auth === 'local-only') continue;
    const responses: Record<
      string,
      { description: string; content?: Record<string, { schema: z.ZodType }> }
    > = {};
    for (const r of spec.responses) {
      const prior = responses[String(r.status)];
      const description = prior ? `${prior.description}; ${r.description}` : r.description;
      // Several representations of one status (JSON, .docx, CSV…) are one response with several
      // content types: a later one must not drop an earlier one's schema.
      const content = {
        ...prior?.content,
        ...(r.schema
          ? { [r.contentType ?? 'application/json']: { schema: r.schema } }
          : r.contentType
            ? { [r.contentType]: { schema: BINARY } }
            : {}),
      };
      responses[String(r.status)] = {
        description,
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    responses['429'] ??= THROTTLED;
    const signed = (spec.headers ?? []).find((h) => signatureSchemeOf(h.name));
    const parameters = (spec.headers ?? []).filter((h) => h !== signed);
    const signature = signed ? signatureSchemeOf(signed.name) : undefined;
    // A court route needs the court JWT; a signed public route its signature; any other public route
    // nothing (`security: []` says so explicitly: no document-level default applies).
    const security = spec.auth === 'jwt' ? [{ courtJwt: [] }] : signature ? [{ [signature.scheme]: [] }] : [];
    registry.registerPath({
      method: spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: spec.path,
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      security,
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.body
          ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
          : {}),
      },
      ...(parameters.length > 0
        ? {
            parameters: parameters.map((h) => ({
              name: h.name,
              in: 'header' as const,
              required: h.required,
              description: h.description,
              schema: { type: 'string' as const },
            })),
          }
        : {}),
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'relief — insurance relief for livelihood enforcement cases (涉民生执行案件保险救助)',
      version: '1.0.0',
      description:
        'Errors are application/problem+json with a stable `code`. Money is integer fen.\n\n' +
        'Deployments in AWS China (aws-cn) without an ICP licence serve no unauthenticated route: there ' +
        '`GET /health` and `GET /openapi.json` need a court token at the gateway too, and the insurer webhook ' +
        'is IAM-authorised (SigV4) in addition to its signature.',
      // No open-source licence: the API and its document are for the courts, the SPC and the insurer.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/' }],
  });
}
