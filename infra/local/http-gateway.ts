import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/**
 * Local emulation of an API Gateway HTTP API (payload format 2.0) in front of in-process Lambda
 * handlers: real HTTP requests become the v2 events Lambda would receive, and handler results are
 * mapped back to HTTP the way API Gateway maps them.
 *
 * Deliberate differences from API Gateway (all local-runner conveniences):
 * - no route → 404 and wrong method → 405 (with `Allow`) as problem+json; API Gateway answers
 *   `404 {"message":"Not Found"}` for both.
 * - `OPTIONS` on any registered path is a CORS preflight answered here (204, handler not called),
 *   allowing the request's Origin, the path's methods and the requested headers; responses to
 *   requests carrying `Origin` get `access-control-allow-origin` (the origin) unless the handler set it.
 * - `HEAD` on a path with a `GET` route invokes that handler (event method `HEAD`, routeKey
 *   `GET /…`) and sends no body, as an `ANY` route would see it.
 * - a body over `maxBodyBytes` → 413 PAYLOAD_TOO_LARGE problem+json (API Gateway: 413
 *   `{"message":"Request Entity Too Large"}`); a malformed percent-encoding in the path → 400
 *   MALFORMED_PATH problem+json.
 * - `requestContext.domainName` is the Host header including the port, so handlers that build
 *   absolute URLs work locally.
 *
 * Trimmed to what the routes use (issue 12): no greedy `{name+}` parameters (a route declaring one is
 * refused at start), no cookies (a request's `Cookie` header is dropped, as API Gateway moves it out of
 * `headers`; handlers get no `cookies`), and a result carrying `cookies` or v1-style `multiValueHeaders`
 * is an invalid result (500) rather than silently mapped — no route sets either; add them here when one does.
 *
 * Faithful details worth knowing: `rawPath` and `requestContext.http.path` are URL-decoded, as
 * HTTP APIs deliver them (REST APIs and function URLs keep the encoding); `rawQueryString` is
 * verbatim; `queryStringParameters` decode `+` as a space; a handler still running after
 * `timeoutMs` gets API Gateway's 503 `{"message":"Service Unavailable"}`, a throwing handler or an
 * invalid result its 500 `{"message":"Internal Server Error"}`.
 */

export type LocalMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type LocalHandlerResult = APIGatewayProxyStructuredResultV2 | string | object;

export type LocalHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<LocalHandlerResult>;

export interface LocalRoute {
  method: LocalMethod;
  /** API Gateway route syntax: `/applications/{id}/documents/{documentId}` (no greedy `{name+}`). */
  path: string;
  handler: LocalHandler;
  /** Shown as `context.functionName`; derived from the route key when absent. */
  functionName?: string;
}

export interface HttpGatewayOptions {
  routes: LocalRoute[];
  host?: string;
  /** 0 (default) picks a free port; the runner uses 3000. */
  port?: number;
  /** Larger request bodies get 413 without the handler being called (API Gateway's limit is 10 MiB). */
  maxBodyBytes?: number;
  /** The integration timeout: a handler still running after this gets 503, as API Gateway's 30 s limit. */
  timeoutMs?: number;
  /** One structured entry per request, plus error entries (`level: 'error'`). Never headers or bodies. */
  log?: (entry: Record<string, unknown>) => void;
  /**
   * Non-API content on the same origin (the console): tried first for every request; returns true
   * when it answered. Not part of API Gateway (the console is deployed separately).
   */
  site?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface HttpGateway {
  url: string;
  port: number;
  /** Stops listening, closes idle keep-alive connections and resolves once the port is free. */
  close(): Promise<void>;
}

export interface RouteMatch {
  route: LocalRoute;
  routeKey: string;
  pathParameters: Record<string, string>;
}

const TEXTUAL_APPLICATION_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/javascript',
]);

/** Bodies of these content types reach the handler as UTF-8 text; everything else is base64. */
function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function isTextualContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    base.startsWith('text/') ||
    TEXTUAL_APPLICATION_TYPES.has(base) ||
    (base.startsWith('application/') && (base.endsWith('+json') || base.endsWith('+xml')))
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

interface CompiledRoute {
  route: LocalRoute;
  routeKey: string;
  segments: Segment[];
  /** Per segment: 2 literal, 1 param. Compared left to right; higher is more specific. */
  rank: number[];
}

function splitPath(pathname: string): string[] {
  return pathname === '/' ? [] : pathname.slice(1).split('/');
}

function compileRoute(route: LocalRoute): CompiledRoute {
  if (!route.path.startsWith('/')) throw new Error(`Route path must start with "/": ${route.path}`);
  const raw = splitPath(route.path);
  const names = new Set<string>();
  const segments = raw.map((segment): Segment => {
    const param = /^\{([A-Za-z0-9._-]+)\}$/.exec(segment);
    if (!param) {
      if (segment === '' || /[{}]/.test(segment))
        throw new Error(`Invalid route path segment in ${route.path} (greedy {name+} is not supported)`);
      return { kind: 'literal', value: segment };
    }
    const name = param[1] as string;
    if (names.has(name)) throw new Error(`Duplicate path parameter {${name}} in ${route.path}`);
    names.add(name);
    return { kind: 'param', name };
  });
  return {
    route,
    routeKey: `${route.method} ${route.path}`,
    segments,
    rank: segments.map((s) => (s.kind === 'literal' ? 2 : 1)),
  };
}

/** Decoded request segments in, path parameters out (or null when the route does not match). */
function matchSegments(compiled: CompiledRoute, segments: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  const pattern = compiled.segments;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as Segment;
    const segment = segments[i];
    if (segment === undefined) return null;
    if (p.kind === 'literal') {
      if (segment !== p.value) return null;
    } else {
      if (segment === '') return null;
      params[p.name] = segment;
    }
  }
  return segments.length === pattern.length ? params : null;
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export interface Router {
  /** The most specific route for method and decoded path segments, or the methods the path supports. */
  match(method: string, segments: string[]): { found: RouteMatch } | { allowed: LocalMethod[] };
}

/** Route selection like API Gateway: literal segments beat `{param}`. */
export function createRouter(routes: LocalRoute[]): Router {
  const compiled = routes.map(compileRoute);
  const seen = new Set<string>();
  for (const c of compiled) {
    const shape = `${c.route.method} ${c.segments.map((s) => (s.kind === 'literal' ? s.value : `{${s.kind}}`)).join('/')}`;
    if (seen.has(shape)) throw new Error(`Duplicate route ${c.routeKey}`);
    seen.add(shape);
  }
  return {
    match(method, segments) {
      let best: { c: CompiledRoute; params: Record<string, string> } | undefined;
      const allowed = new Set<LocalMethod>();
      for (const c of compiled) {
        const params = matchSegments(c, segments);
        if (!params) continue;
        allowed.add(c.route.method);
        if (c.route.method !== method) continue;
        if (!best || compareRank(c.rank, best.c.rank) > 0) best = { c, params };
      }
      if (best)
        return { found: { route: best.c.route, routeKey: best.c.routeKey, pathParameters: best.params } };
      return { allowed: [...allowed].sort() };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request → event

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `dd/MMM/yyyy:HH:mm:ss +0000`. */
export function formatRequestTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(
    date.getUTCMinutes(),
  )}:${p(date.getUTCSeconds())} +0000`;
}

function decodeQueryComponent(value: string): string {
  const spaced = value.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `a=1&a=2&b` → `{ a: '1,2', b: '' }`; undefined when there is nothing. */
export function parseQueryString(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    out[name] = Object.hasOwn(out, name) ? `${out[name]},${value}` : value;
    any = true;
  }
  return any ? out : undefined;
}

/** Lower-cased names, duplicates joined with ','; `Cookie` dropped (API Gateway moves it out of headers; no route reads cookies). */
function collectHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (name === 'cookie') continue;
    const value = rawHeaders[i + 1] as string;
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
  }
  return headers;
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function traceId(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

interface EventInput {
  req: IncomingMessage;
  method: string;
  decodedPath: string;
  rawQueryString: string;
  match: RouteMatch;
  body: Buffer;
  requestId: string;
  now: Date;
  localPort: number;
  localHost: string;
}

function buildEvent(input: EventInput): APIGatewayProxyEventV2 {
  const { req, method, decodedPath, rawQueryString, match, body, requestId, now } = input;
  const headers = collectHeaders(req.rawHeaders);
  const sourceIp = sourceIpOf(req);
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(input.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(now);
  const domainName = headers.host ?? `${input.localHost}:${input.localPort}`;
  const queryStringParameters = parseQueryString(rawQueryString);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: decodedPath,
    rawQueryString,
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.replace(/:\d+$/, '').split('.')[0] ?? domainName,
      http: {
        method,
        path: decodedPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    // Text is passed as text only when it is UTF-8; other bytes (a GBK statement) go base64, unchanged.
    if (isTextualContentType(headers['content-type']) && isUtf8(body)) {
      event.body = body.toString('utf8');
    } else {
      event.body = body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

function buildContext(route: LocalRoute, routeKey: string, deadline: number, now: Date): Context {
  const functionName =
    route.functionName ??
    `relief-local-${routeKey.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 64);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const partition = process.env.AWS_PARTITION ?? 'aws';
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:${partition}:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Result → response

interface MappedResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

class InvalidResultError extends Error {
  override name = 'InvalidResultError';
}

const DROPPED_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function isHeaderValue(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Maps a handler's result as API Gateway does for payload format 2.0; throws InvalidResultError otherwise. */
export function mapHandlerResult(result: unknown): MappedResponse {
  if (typeof result === 'string') {
    return {
      statusCode: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(result, 'utf8'),
    };
  }
  if (result === null || result === undefined) throw new InvalidResultError('the handler returned nothing');
  if (!isPlainObject(result) || !('statusCode' in result)) {
    // "Valid JSON without statusCode": API Gateway answers 200 with the JSON as the body.
    const json = JSON.stringify(result);
    if (json === undefined) throw new InvalidResultError('the handler result is not JSON');
    return {
      statusCode: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(json, 'utf8'),
    };
  }
  const { statusCode, headers, body, isBase64Encoded } = result;
  for (const unsupported of ['cookies', 'multiValueHeaders'])
    if (unsupported in result)
      throw new InvalidResultError(`${unsupported} is not mapped by the local gateway (no route sets it)`);
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw new InvalidResultError('statusCode is not an HTTP status');
  }
  const out: [string, string][] = [];
  if (headers !== undefined) {
    if (!isPlainObject(headers)) throw new InvalidResultError('headers is not an object');
    for (const [name, value] of Object.entries(headers)) {
      if (!isHeaderValue(value))
        throw new InvalidResultError('a header value is not a string, number or boolean');
      out.push([name.toLowerCase(), String(value)]);
    }
  }
  if (body !== undefined && body !== null && typeof body !== 'string')
    throw new InvalidResultError('body is not a string');
  const bytes =
    typeof body === 'string'
      ? Buffer.from(body, isBase64Encoded === true ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  return {
    statusCode,
    headers: out.filter(([name]) => !DROPPED_RESPONSE_HEADERS.has(name)),
    body: bytes,
  };
}

function problem(
  status: number,
  title: string,
  code: string,
  detail: string,
  extra: [string, string][] = [],
) {
  return {
    statusCode: status,
    headers: [['content-type', 'application/problem+json'] as [string, string], ...extra],
    body: Buffer.from(JSON.stringify({ type: 'about:blank', title, status, code, detail })),
  } satisfies MappedResponse;
}

const INTERNAL_SERVER_ERROR: MappedResponse = {
  statusCode: 500,
  headers: [['content-type', 'application/json']],
  body: Buffer.from('{"message":"Internal Server Error"}'),
};

const SERVICE_UNAVAILABLE: MappedResponse = {
  statusCode: 503,
  headers: [['content-type', 'application/json']],
  body: Buffer.from('{"message":"Service Unavailable"}'),
};

// ---------------------------------------------------------------------------------------------
// Body reading

type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads at most maxBytes; past that it stops buffering and reports too-large at once. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      resolve({ ok: false, reason: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks, size) });
    };
    const onError = () => {
      cleanup();
      resolve({ ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onError);
  });
}

/** After a 413 the rest of the body is discarded (never buffered); past this many bytes the connection is cut. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;

function discardRest(req: IncomingMessage): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

// ---------------------------------------------------------------------------------------------
// Server

const DEFAULT_ALLOWED_HEADERS = 'authorization,content-type,idempotency-key,if-match,accept';
const EXPOSED_HEADERS = 'etag,location,apigw-requestid,retry-after,audit-chain,x-correlation-id';

function newRequestId(): string {
  return randomBytes(11).toString('base64');
}

function defaultLog(entry: Record<string, unknown>): void {
  if (entry.level === 'error') process.stderr.write(`${JSON.stringify(entry)}\n`);
}

function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { errorName: typeof error };
}

export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const router = createRouter(options.routes);
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sink = options.log ?? defaultLog;
  const log = (entry: Record<string, unknown>) => {
    try {
      sink(entry);
    } catch {
      // A failing log sink must not take the gateway down.
    }
  };
  let closing = false;
  let localPort = 0;

  async function handle(
    req: IncomingMessage,
    requestId: string,
  ): Promise<{
    response: MappedResponse;
    routeKey: string;
    discard: boolean;
  }> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPathname = q === -1 ? target : target.slice(0, q);
    const rawQueryString = q === -1 ? '' : target.slice(q + 1);
    let segments: string[];
    let decodedPath: string;
    try {
      if (!rawPathname.startsWith('/')) throw new URIError('not origin-form');
      segments = splitPath(rawPathname).map((s) => decodeURIComponent(s));
      decodedPath = decodeURIComponent(rawPathname);
    } catch {
      const response = problem(
        400,
        'Bad Request',
        'MALFORMED_PATH',
        'The request path is not validly percent-encoded.',
      );
      return { response, routeKey: '-', discard: true };
    }

    if (method === 'OPTIONS') {
      const result = router.match('OPTIONS', segments);
      const allowed = 'allowed' in result ? result.allowed : [];
      if (allowed.length === 0) {
        return { response: notFound(method), routeKey: '-', discard: true };
      }
      const requested = req.headers['access-control-request-headers'];
      const response: MappedResponse = {
        statusCode: 204,
        headers: [
          ['access-control-allow-origin', req.headers.origin ?? '*'],
          ['access-control-allow-methods', allowMethods(allowed)],
          [
            'access-control-allow-headers',
            typeof requested === 'string' && requested !== '' ? requested : DEFAULT_ALLOWED_HEADERS,
          ],
          ['access-control-max-age', '600'],
          ['vary', 'origin, access-control-request-headers'],
        ],
        body: Buffer.alloc(0),
      };
      return { response, routeKey: '-', discard: true };
    }

    const result = router.match(method === 'HEAD' ? 'GET' : method, segments);
    if ('allowed' in result) {
      if (result.allowed.length === 0) return { response: notFound(method), routeKey: '-', discard: true };
      const allow = allowMethods(result.allowed);
      const response = problem(
        405,
        'Method Not Allowed',
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on this path; allowed: ${allow}.`,
        [['allow', allow]],
      );
      return { response, routeKey: '-', discard: true };
    }
    const match = result.found;

    const read = await readBody(req, maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'aborted')
        return {
          response: problem(
            400,
            'Bad Request',
            'REQUEST_ABORTED',
            'The request body was not received completely.',
          ),
          routeKey: match.routeKey,
          discard: true,
        };
      const response = problem(
        413,
        'Payload Too Large',
        'PAYLOAD_TOO_LARGE',
        `The request body exceeds ${maxBodyBytes} bytes.`,
      );
      return { response, routeKey: match.routeKey, discard: true };
    }

    const now = new Date();
    const event = buildEvent({
      req,
      method,
      decodedPath,
      rawQueryString,
      match,
      body: read.body,
      requestId,
      now,
      localPort,
      localHost: host,
    });
    const context = buildContext(match.route, match.routeKey, now.getTime() + timeoutMs, now);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timeout');
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(() => match.route.handler(event, context)),
        new Promise<typeof timedOut>((resolve) => {
          timer = setTimeout(() => resolve(timedOut), timeoutMs);
        }),
      ]);
      if (outcome === timedOut) {
        log({ level: 'error', msg: 'handler timed out', routeKey: match.routeKey, requestId, timeoutMs });
        return { response: SERVICE_UNAVAILABLE, routeKey: match.routeKey, discard: false };
      }
      try {
        return { response: mapHandlerResult(outcome), routeKey: match.routeKey, discard: false };
      } catch (error) {
        log({
          level: 'error',
          msg: 'invalid handler result',
          routeKey: match.routeKey,
          requestId,
          reason: (error as Error).message,
        });
        return { response: INTERNAL_SERVER_ERROR, routeKey: match.routeKey, discard: false };
      }
    } catch (error) {
      log({
        level: 'error',
        msg: 'handler failed',
        routeKey: match.routeKey,
        requestId,
        ...errorSummary(error),
      });
      return { response: INTERNAL_SERVER_ERROR, routeKey: match.routeKey, discard: false };
    } finally {
      clearTimeout(timer);
    }
  }

  function notFound(method: string): MappedResponse {
    return problem(404, 'Not Found', 'ROUTE_NOT_FOUND', `No route matches ${method} on this path.`);
  }

  function allowMethods(methods: LocalMethod[]): string {
    const all: string[] = [...methods];
    if (methods.includes('GET')) all.push('HEAD');
    all.push('OPTIONS');
    return all.join(', ');
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    response: MappedResponse,
    requestId: string,
    routeKey: string,
  ): void {
    const names = new Set(response.headers.map(([name]) => name));
    try {
      for (const [name, value] of response.headers) res.setHeader(name, value);
    } catch (error) {
      // A header Node refuses (e.g. a newline in a value): API Gateway would refuse the result too.
      const reason = (error as Error).message;
      log({ level: 'error', msg: 'invalid handler result', routeKey, requestId, reason });
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      send(req, res, INTERNAL_SERVER_ERROR, requestId, routeKey);
      return;
    }
    res.setHeader('apigw-requestid', requestId);
    const origin = req.headers.origin;
    if (origin && req.method !== 'OPTIONS' && !names.has('access-control-allow-origin')) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      res.setHeader('vary', names.has('vary') ? `${res.getHeader('vary')}, origin` : 'origin');
    }
    if (closing) res.setHeader('connection', 'close');
    res.statusCode = response.statusCode;
    res.end(response.body);
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    let routeKey = '-';
    res.on('close', () => {
      log({
        msg: 'request',
        method: req.method,
        routeKey,
        // 499: the client went away before the response was sent.
        status: res.writableFinished ? res.statusCode : 499,
        ms: Math.round(performance.now() - started),
        requestId,
      });
      if (closing) server.closeIdleConnections();
    });
    try {
      if (options.site?.(req, res)) return;
    } catch (error) {
      log({ level: 'error', msg: 'site failure', requestId, ...errorSummary(error) });
      if (!res.headersSent) send(req, res, INTERNAL_SERVER_ERROR, requestId, routeKey);
      return;
    }
    handle(req, requestId)
      .then((outcome) => {
        routeKey = outcome.routeKey;
        if (outcome.discard && !req.complete) discardRest(req);
        if (res.headersSent || res.destroyed) return;
        send(req, res, outcome.response, requestId, routeKey);
      })
      .catch((error: unknown) => {
        log({ level: 'error', msg: 'gateway failure', routeKey, requestId, ...errorSummary(error) });
        if (!res.headersSent && !res.destroyed) send(req, res, INTERNAL_SERVER_ERROR, requestId, routeKey);
      });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  localPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${localPort}`,
    port: localPort,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // Requests still running finish with `connection: close`; anything left after that is cut.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      return closed;
    },
  };
}
