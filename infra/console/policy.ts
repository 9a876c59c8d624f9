/**
 * The console's Content-Security-Policy, one definition for the local runner (infra/local/console.ts) and
 * the deployed site (infra/stacks/console-stack.ts: CloudFront's response headers policy, or the output an
 * intranet web server copies). `connectSources` are the origins the pages call besides their own: the API,
 * the OIDC issuer, the documents bucket (presigned PUT/GET). No dependency: the runner loads it at start.
 */
export function consoleContentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // antd writes its CSS-in-JS into <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    // Documents are shown inline from blob URLs the page made (PDF in a frame).
    'frame-src blob:',
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** The path the console is built for (web/vite.config.ts `base`) and served under, locally and deployed. */
export const CONSOLE_PREFIX = '/console/';
