import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_PREFIX, consoleContentSecurityPolicy } from '../console/policy.ts';

export { CONSOLE_PREFIX };

/**
 * The console (web/) in the local runner: a `vite build` output served under /console/ on the API's
 * origin, rebuilt at start when its sources changed since the last build (a hash of the inputs is
 * stored in the output). A build, not Vite's dev middleware: the browser then loads a handful of
 * minified files instead of hundreds of modules, no dependency pre-bundling happens while a test
 * runs (and reloads the page), and an unchanged console costs `npm start` only the hash (~50 ms).
 * For editing the console with hot reload, `npm run dev -w web` proxies the API to this runner.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = path.join(ROOT, 'web');
export const CONSOLE_DIST = path.join(WEB_DIR, 'dist');
const STAMP = '.source-hash';

/** What a build depends on: the console's sources and config, and the shared domain rules it imports. */
const INPUTS = [
  'web/index.html',
  'web/vite.config.ts',
  'web/package.json',
  'web/src',
  'web/public',
  'functions/domain',
];

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export function consoleSourceHash(root: string = ROOT): string {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  hash.update(`vite ${(require('vite/package.json') as { version: string }).version}\n`);
  for (const input of INPUTS) {
    for (const file of listFiles(path.join(root, input))) {
      hash.update(`${path.relative(root, file)}\n`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

function builtHash(dist: string): string | undefined {
  try {
    return readFileSync(path.join(dist, STAMP), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function runViteBuild(outDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: WEB_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * Builds web/dist unless it was built from exactly these sources. Safe when several runners start at
 * once: each builds into its own directory and swaps it in; the last one wins with identical output.
 */
export async function ensureConsoleBuild(
  log: (line: string) => void = () => {},
): Promise<{ dist: string; built: boolean }> {
  const hash = consoleSourceHash();
  if (builtHash(CONSOLE_DIST) === hash) return { dist: CONSOLE_DIST, built: false };
  log('building the console (web/ changed since the last build)');
  const tmp = `${CONSOLE_DIST}.${process.pid}.${Date.now()}`;
  try {
    await runViteBuild(tmp);
    writeFileSync(path.join(tmp, STAMP), `${hash}\n`);
    if (builtHash(CONSOLE_DIST) !== hash) {
      const old = `${tmp}.old`;
      if (existsSync(CONSOLE_DIST)) renameSync(CONSOLE_DIST, old);
      renameSync(tmp, CONSOLE_DIST);
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dist: CONSOLE_DIST, built: true };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleSiteOptions {
  dist: string;
  /** The runtime configuration served as /console/config.json (a deployment writes this file instead). */
  config: Record<string, unknown>;
  /** Origins the pages may connect to besides their own (the S3 endpoint for presigned uploads). */
  connectSources: string[];
}

/**
 * Answers GET/HEAD for `/` (redirect) and `/console/...` (the build; unknown page paths get
 * index.html so that deep links work; unknown assets are 404). Returns false for anything else,
 * which the API router then handles.
 */
export function createConsoleSite(options: ConsoleSiteOptions) {
  const dist = path.resolve(options.dist);
  const csp = consoleContentSecurityPolicy(options.connectSources);
  const config = JSON.stringify(options.config);

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer | string,
  ) {
    res.writeHead(status, {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...headers,
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function serveFile(req: IncomingMessage, res: ServerResponse, file: string, immutable: boolean) {
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = csp;
      headers['x-frame-options'] = 'DENY';
    }
    send(req, res, 200, headers, readFileSync(file));
  }

  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const raw = (req.url ?? '/').split('?')[0] ?? '/';
    if (raw === '/') {
      send(req, res, 302, { location: CONSOLE_PREFIX, 'cache-control': 'no-cache' }, '');
      return true;
    }
    if (raw === '/console') {
      send(req, res, 301, { location: CONSOLE_PREFIX }, '');
      return true;
    }
    if (!raw.startsWith(CONSOLE_PREFIX)) return false;
    let rel: string;
    try {
      rel = decodeURIComponent(raw.slice(CONSOLE_PREFIX.length));
    } catch {
      send(req, res, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'Bad path');
      return true;
    }
    if (rel === 'config.json') {
      send(req, res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, config);
      return true;
    }
    const file = path.resolve(dist, rel);
    const inside =
      rel === '' || (file.startsWith(`${dist}${path.sep}`) && !rel.split('/').some((s) => s.startsWith('.')));
    if (rel !== '' && inside && existsSync(file) && statSync(file).isFile()) {
      serveFile(req, res, file, rel.startsWith('assets/'));
      return true;
    }
    if (rel.startsWith('assets/') || !inside) {
      send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not found');
      return true;
    }
    // A page path (/console/applications/…): the single-page app routes it.
    serveFile(req, res, path.join(dist, 'index.html'), false);
    return true;
  };
}
