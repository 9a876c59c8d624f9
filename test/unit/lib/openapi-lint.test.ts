import { createConfig, lintFromString } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/http/openapi.ts';
import { apiRoutes } from '../../../functions/http/routes.ts';

/**
 * The served OpenAPI document (generated from the route specs) passes Redocly's `recommended` ruleset
 * with neither errors nor warnings. The lint configuration is exactly `recommended`: no rule is turned off
 * or down; a finding is fixed in the generator (functions/http/openapi.ts) or in the route spec.
 */
const LINT_CONFIG = { extends: ['recommended'] };

/**
 * The one finding accepted, exactly: the contract binds `PUT …/reports/narratives/{highCourtCode}`
 * beside the existing `POST …/reports/{highCourtCode}/freeze`. They cannot collide: `{highCourtCode}`
 * is a court code (capital letters and digits, its schema), so neither "narratives" nor "freeze" is ever one, and API
 * Gateway matches the literal segment first. Any other ambiguity still fails.
 */
const ACCEPTED = new Set([
  'warn no-ambiguous-paths: Paths should resolve unambiguously. Found two ambiguous paths: `/campaigns/{campaignId}/reports/{highCourtCode}/freeze` and `/campaigns/{campaignId}/reports/narratives/{highCourtCode}`. at #/paths/~1campaigns~1{campaignId}~1reports~1narratives~1{highCourtCode}',
]);

// biome-ignore lint/suspicious/noExplicitAny: the document is asserted field by field
type Doc = any;
let doc: Doc;
beforeAll(() => {
  doc = buildOpenApiDocument(apiRoutes);
});

const operations = (d: Doc) =>
  Object.entries(d.paths as Record<string, Record<string, Doc>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

describe('OpenAPI document lint (Redocly recommended)', () => {
  it('has no error and no warning', async () => {
    const config = await createConfig(LINT_CONFIG);
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: '/openapi.json',
      config,
    });
    const report = problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`,
    );
    expect(report.filter((line) => !ACCEPTED.has(line))).toEqual([]);
  });

  it('would report an operation without security (the lint is really on)', async () => {
    const broken = structuredClone(doc);
    delete broken.paths['/health'].get.security;
    const problems = await lintFromString({
      source: JSON.stringify(broken),
      absoluteRef: '/openapi.json',
      config: await createConfig(LINT_CONFIG),
    });
    expect(
      problems.filter((p) => p.ruleId !== 'no-ambiguous-paths').map((p) => `${p.severity} ${p.ruleId}`),
    ).toEqual(['error security-defined']);
  });
});

describe('OpenAPI security', () => {
  it('marks the public operations with `security: []`', () => {
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });

  it('documents Relief-Signature as an apiKey header scheme, required by the insurer webhook', () => {
    expect(doc.components.securitySchemes.reliefSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Relief-Signature',
    });
    expect(doc.components.securitySchemes.reliefSignature.description).toContain('HMAC-SHA256');
    const webhook = doc.paths['/insurer/webhooks'].post;
    expect(webhook.security).toEqual([{ reliefSignature: [] }]);
    // The header is described by the scheme, not repeated as a plain parameter.
    expect((webhook.parameters ?? []).map((p: { name: string }) => p.name)).not.toContain('Relief-Signature');
  });

  it('requires Relief-Signature on the insurer’s package query and redelivery (signed over method and path)', () => {
    for (const op of [
      doc.paths['/insurer/packages/{packageId}'].get,
      doc.paths['/insurer/packages/{packageId}/redelivery'].post,
    ])
      expect(op.security).toEqual([{ reliefSignature: [] }]);
  });

  it('requires the court JWT on every other operation', () => {
    const open = new Set([
      'GET /health',
      'GET /openapi.json',
      'POST /insurer/webhooks',
      'GET /insurer/packages/{packageId}',
      'POST /insurer/packages/{packageId}/redelivery',
    ]);
    const ops = operations(doc).filter((o) => !open.has(o.key));
    expect(ops.length).toBeGreaterThan(10);
    for (const { key, op } of ops) expect([key, op.security]).toEqual([key, [{ courtJwt: [] }]]);
  });

  it('documents 429 and at least one 4xx on every operation', () => {
    for (const { key, op } of operations(doc)) {
      const codes = Object.keys(op.responses);
      expect([key, codes]).toEqual([key, expect.arrayContaining(['429'])]);
    }
  });

  it('carries a licence and never the local-only routes', () => {
    expect(doc.info.license).toMatchObject({ name: expect.any(String) });
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/dev/') || p === '/docs')).toEqual([]);
  });
});
