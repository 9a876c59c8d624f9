import { describe, expect, it } from 'vitest';
import { api, token } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';

/** Issue 18 item 2, over HTTP: every answer names its correlation id (X-Correlation-Id). */
describe('correlation id', () => {
  it('echoes a valid X-Correlation-Id on a success and on a refusal', async () => {
    const health = await api('GET', '/health', { headers: { 'x-correlation-id': 'e2e-corr-1' } });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-correlation-id')).toBe('e2e-corr-1');
    const clerk = await token('BJ0105', ['clerk'], 'clerk-obs');
    const refused = await api('POST', '/applications', {
      token: clerk,
      body: { ...applicationBody(), unknownField: 1 },
      headers: { 'x-correlation-id': 'e2e-corr-2' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-correlation-id')).toBe('e2e-corr-2');
  });

  it('answers with the gateway’s request id when the caller sent none or an invalid one', async () => {
    for (const headers of [{}, { 'x-correlation-id': 'not valid!' }] as Record<string, string>[]) {
      const res = await api('GET', '/health', { headers });
      expect(res.headers.get('x-correlation-id')).toBe(res.headers.get('apigw-requestid'));
      expect(res.headers.get('x-correlation-id')).toBeTruthy();
    }
  });
});
