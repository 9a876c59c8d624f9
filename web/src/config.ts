/**
 * Runtime configuration, read from `config.json` next to index.html (written at deploy time, served by
 * the local runner): nothing deployment-specific is baked into the build.
 */
export interface OidcSettings {
  /** The courts' OIDC issuer (authorization code + PKCE). */
  issuer: string;
  clientId: string;
  scope?: string;
}

export interface ConsoleConfig {
  /** `local`: sign in by picking a court and roles (POST /dev/tokens); `oidc`: the courts' identity provider. */
  mode: 'local' | 'oidc';
  /** The API's base URL, absolute or relative to the console's origin ("/" = same origin). */
  apiUrl: string;
  oidc?: OidcSettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(raw: unknown, origin: string = window.location.origin): ConsoleConfig {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config.json is not an object');
  const r = raw as Record<string, unknown>;
  if (r.mode !== 'local' && r.mode !== 'oidc')
    throw new ConfigError('config.json: mode must be local or oidc');
  if (typeof r.apiUrl !== 'string' || r.apiUrl === '')
    throw new ConfigError('config.json: apiUrl is missing');
  const config: ConsoleConfig = { mode: r.mode, apiUrl: new URL(r.apiUrl, origin).href };
  if (r.mode === 'oidc') {
    const o = r.oidc as Record<string, unknown> | undefined;
    if (!o || typeof o.issuer !== 'string' || typeof o.clientId !== 'string')
      throw new ConfigError('config.json: oidc.issuer and oidc.clientId are required in oidc mode');
    config.oidc = {
      issuer: o.issuer,
      clientId: o.clientId,
      ...(typeof o.scope === 'string' ? { scope: o.scope } : {}),
    };
  }
  return config;
}

/**
 * config.json sits next to index.html, one level above the bundle (`assets/`): resolved from this
 * module's own URL, so the build does not care where it is hosted. (A variable, so that Vite leaves the
 * URL alone instead of looking for the file at build time.)
 */
const CONFIG_FILE = '../config.json';

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch(new URL(CONFIG_FILE, import.meta.url), { cache: 'no-store' });
  if (!res.ok) throw new ConfigError(`config.json: HTTP ${res.status}`);
  return parseConfig(await res.json());
}
