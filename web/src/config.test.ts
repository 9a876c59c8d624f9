import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

const ORIGIN = 'https://relief.example.court';

describe('the runtime configuration (config.json)', () => {
  it('resolves a relative API URL against the console’s origin', () => {
    expect(parseConfig({ mode: 'local', apiUrl: '/' }, ORIGIN)).toEqual({
      mode: 'local',
      apiUrl: 'https://relief.example.court/',
    });
    expect(parseConfig({ mode: 'local', apiUrl: 'https://api.example.court/v1' }, ORIGIN).apiUrl).toBe(
      'https://api.example.court/v1',
    );
  });

  it('needs the issuer and client id in oidc mode', () => {
    const oidc = { issuer: 'https://idp.example.court/realms/courts', clientId: 'relief-console' };
    expect(parseConfig({ mode: 'oidc', apiUrl: '/', oidc }, ORIGIN).oidc).toEqual(oidc);
    expect(() => parseConfig({ mode: 'oidc', apiUrl: '/' }, ORIGIN)).toThrow(/oidc.issuer/);
    expect(() => parseConfig({ mode: 'oidc', apiUrl: '/', oidc: { issuer: 'x' } }, ORIGIN)).toThrow();
  });

  it('refuses anything else', () => {
    expect(() => parseConfig(null, ORIGIN)).toThrow();
    expect(() => parseConfig({ mode: 'dev', apiUrl: '/' }, ORIGIN)).toThrow(/mode/);
    expect(() => parseConfig({ mode: 'local' }, ORIGIN)).toThrow(/apiUrl/);
  });
});
