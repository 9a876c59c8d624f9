import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type * as z from 'zod';
import type { DeclaredRoute } from '../lib/route-spec.ts';

/** Generates the served OpenAPI 3.1 document from the route specs and their zod schemas. */
export function buildOpenApiDocument(routes: readonly DeclaredRoute[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'courtJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token from the courts’ OIDC provider with claims sub, court and roles.',
  });
  for (const { spec } of routes) {
    if (spec.auth === 'local-only') continue;
    const responses: Record<
      string,
      { description: string; content?: Record<string, { schema: z.ZodType }> }
    > = {};
    for (const r of spec.responses) {
      const prior = responses[String(r.status)];
      const description = prior ? `${prior.description}; ${r.description}` : r.description;
      responses[String(r.status)] = {
        description,
        ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      };
    }
    registry.registerPath({
      method: spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: spec.path,
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.auth === 'jwt' ? { security: [{ courtJwt: [] }] } : {}),
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.body
          ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
          : {}),
      },
      ...(spec.headers
        ? {
            parameters: spec.headers.map((h) => ({
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
      description: 'Errors are application/problem+json with a stable `code`. Money is integer fen.',
    },
    servers: [{ url: '/' }],
  });
}
