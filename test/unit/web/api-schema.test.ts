import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../../web/scripts/api-types.ts';

describe('the console’s typed API client', () => {
  it('is generated from the OpenAPI document the API serves now (run `npm run api:generate` if not)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const current = await generateApiTypes();
    // A plain equality, so that the diff shows which route or schema changed.
    expect(committed).toBe(current);
  }, 30_000);

  it('types every route of the route table', async () => {
    const { apiRoutes } = await import('../../../functions/http/routes.ts');
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    for (const { spec } of apiRoutes) {
      if (spec.auth === 'local-only') continue;
      expect(committed, spec.operationId).toContain(`    ${spec.operationId}: {`);
    }
  }, 30_000);
});
