import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  formatRequestTime,
  type HttpGateway,
  type LocalHandler,
  type LocalHandlerResult,
  type LocalRoute,
  startHttpGateway,
} from '../../../infra/local/http-gateway.ts';
import { send } from './client.ts';

interface Echo {
  event: APIGatewayProxyEventV2;
  context: { awsRequestId: string; functionName: string; remaining: number; invokedFunctionArn: string };
}

const calls: { routeKey: string; event: APIGatewayProxyEventV2 }[] = [];
const logs: Record<string, unknown>[] = [];

/** Echoes the v2 event and the interesting parts of the Lambda context back as JSON. */
const echo: LocalHandler = async (event: APIGatewayProxyEventV2, context: Context) => {
  calls.push({ routeKey: event.routeKey, event });
  const body: Echo = {
    event,
    context: {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      remaining: context.getRemainingTimeInMillis(),
      invokedFunctionArn: context.invokedFunctionArn,
    },
  };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
};

const results: Record<string, () => unknown> = {
  string: () => 'hello 你好',
  object: () => ({ ok: true, n: 1 }),
  array: () => [1, 'two'],
  structured: () => ({
    statusCode: 201,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Count': 3, 'X-Flag': true, ETag: '"v2"' },
    body: '已创建',
  }),
  binary: () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'),
    isBase64Encoded: true,
  }),
  'no-body': () => ({ statusCode: 204 }),
  'bad-status': () => ({ statusCode: 'ok', body: 'x' }),
  'status-99': () => ({ statusCode: 99 }),
  'bad-headers': () => ({ statusCode: 200, headers: 'content-type: text/plain' }),
  'bad-header-value': () => ({ statusCode: 200, headers: { 'x-obj': { a: 1 } } }),
  'bad-body': () => ({ statusCode: 200, body: { a: 1 } }),
  cookies: () => ({ statusCode: 200, cookies: ['session=abc; HttpOnly; Path=/'] }),
  'multi-value-headers': () => ({ statusCode: 200, multiValueHeaders: { 'x-multi': ['one', 'two'] } }),
  'header-injection': () => ({ statusCode: 200, headers: { 'x-evil': 'a\r\nset-cookie: pwned=1' } }),
  undefined: () => undefined,
  null: () => null,
};

const SECRET_IN_BODY = 'ID-110105199001011234';
const SECRET_IN_HEADER = 'Bearer header-secret-token';

const routes: LocalRoute[] = [
  { method: 'POST', path: '/applications/{id}/documents/{documentId}', handler: echo },
  { method: 'GET', path: '/applications/{id}', handler: echo },
  { method: 'PATCH', path: '/applications/{id}', handler: echo },
  { method: 'GET', path: '/health', handler: echo, functionName: 'relief-health' },
  { method: 'GET', path: '/courts/{code}', handler: echo },
  { method: 'GET', path: '/courts/special', handler: echo },
  { method: 'POST', path: '/things/{id}', handler: echo },
  { method: 'GET', path: '/things/literal', handler: echo },
  { method: 'POST', path: '/upload', handler: echo },
  {
    method: 'GET',
    path: '/result/{kind}',
    // Deliberately returns invalid results too, hence the cast.
    handler: async (event) =>
      (results[event.pathParameters?.kind ?? ''] ?? (() => null))() as LocalHandlerResult,
  },
  {
    method: 'POST',
    path: '/boom',
    handler: async () => {
      throw new Error('database exploded');
    },
  },
  { method: 'GET', path: '/hang', handler: () => new Promise(() => {}) },
];

let gateway: HttpGateway;
let slowGateway: HttpGateway;

beforeAll(async () => {
  gateway = await startHttpGateway({ routes, maxBodyBytes: 1024, log: (entry) => logs.push(entry) });
  slowGateway = await startHttpGateway({ routes, timeoutMs: 200, log: () => {} });
});

afterAll(async () => {
  await gateway.close();
  await slowGateway.close();
});

afterEach(() => {
  calls.length = 0;
  logs.length = 0;
});

async function echoed(
  method: string,
  path: string,
  opts: Parameters<typeof send>[3] = {},
): Promise<{ event: APIGatewayProxyEventV2; echo: Echo; headers: Record<string, unknown> }> {
  const res = await send(gateway.url, method, path, opts);
  expect(res.status, res.text).toBe(200);
  const body = res.json() as Echo;
  return { event: body.event, echo: body, headers: res.headers };
}

describe('request → API Gateway v2 event', () => {
  it('builds the full event for a POST with path parameters, query and a JSON body, cookies dropped', async () => {
    const path =
      '/applications/(2018)%E4%BA%AC0105%E6%89%A71234%E5%8F%B7/documents/a%20b%2Fc%25d?x=1&x=2&y=%E4%B8%AD+%E6%96%87&z&=v';
    const {
      event,
      echo: result,
      headers,
    } = await echoed('POST', path, {
      headers: [
        ['X-Dup', 'a'],
        ['x-dup', 'b'],
        ['User-Agent', 'relief-test/1.0'],
        ['Cookie', 'a=1; b=2'],
        ['cookie', 'c=3'],
        ['Content-Type', 'application/json; charset=utf-8'],
      ],
      body: '{"name":"张三"}',
    });

    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /applications/{id}/documents/{documentId}');
    expect(event.rawQueryString).toBe('x=1&x=2&y=%E4%B8%AD+%E6%96%87&z&=v');
    expect(event.rawPath).toBe('/applications/(2018)京0105执1234号/documents/a b/c%d');
    expect(event.pathParameters).toEqual({ id: '(2018)京0105执1234号', documentId: 'a b/c%d' });
    expect(event.queryStringParameters).toEqual({ x: '1,2', y: '中 文', z: '', '': 'v' });
    expect(event).not.toHaveProperty('cookies');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(JSON.stringify(event)).not.toContain('a=1');
    expect(event.headers['x-dup']).toBe('a,b');
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.body).toBe('{"name":"张三"}');
    expect(event.isBase64Encoded).toBe(false);

    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: 'local',
      apiId: 'local',
      domainName: `127.0.0.1:${gateway.port}`,
      domainPrefix: '127',
      routeKey: 'POST /applications/{id}/documents/{documentId}',
      stage: '$default',
      http: {
        method: 'POST',
        path: '/applications/(2018)京0105执1234号/documents/a b/c%d',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'relief-test/1.0',
      },
    });
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(rc.time).toBe(formatRequestTime(new Date(rc.timeEpoch)));
    expect(rc.requestId).toMatch(/\S{8,}/);
    expect(headers['apigw-requestid']).toBe(rc.requestId);

    expect(result.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.context.functionName).toBe('relief-local-POST-applications-id-documents-documentId');
    expect(result.context.invokedFunctionArn).toMatch(
      /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:relief-local-/,
    );
    expect(result.context.remaining).toBeGreaterThan(0);
    expect(result.context.remaining).toBeLessThanOrEqual(30_000);
  });

  it('gives every request its own request ids', async () => {
    const a = await echoed('GET', '/health');
    const b = await echoed('GET', '/health');
    expect(a.event.requestContext.requestId).not.toBe(b.event.requestContext.requestId);
    expect(a.echo.context.awsRequestId).not.toBe(b.echo.context.awsRequestId);
    expect(a.echo.context.functionName).toBe('relief-health');
  });

  it('decodes Chinese path parameters sent by fetch (which percent-encodes them)', async () => {
    const res = await fetch(`${gateway.url}/courts/北京市高级人民法院`);
    const body = (await res.json()) as Echo;
    expect(body.event.pathParameters).toEqual({ code: '北京市高级人民法院' });
    expect(body.event.routeKey).toBe('GET /courts/{code}');
  });

  it('leaves out body, cookies, query and path parameters when there are none', async () => {
    const { event } = await echoed('GET', '/health');
    expect(event.routeKey).toBe('GET /health');
    expect(event.rawPath).toBe('/health');
    expect(event.rawQueryString).toBe('');
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes binary bodies and marks them isBase64Encoded', async () => {
    const bytes = Buffer.from([0, 1, 2, 0x80, 0xfe, 0xff, 0x25, 0x50, 0x44, 0x46]);
    for (const contentType of [
      'application/octet-stream',
      'image/png',
      'application/pdf',
      'multipart/form-data; boundary=x',
    ]) {
      const { event } = await echoed('POST', '/upload', {
        headers: [['Content-Type', contentType]],
        body: bytes,
      });
      expect(event.isBase64Encoded, contentType).toBe(true);
      expect(Buffer.from(event.body as string, 'base64').equals(bytes)).toBe(true);
    }
  });

  it('base64-encodes a body without content type', async () => {
    const { event } = await echoed('POST', '/upload', { body: 'plain words' });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64').toString('utf8')).toBe('plain words');
  });

  it.each([
    'text/plain; charset=utf-8',
    'text/csv',
    'application/json',
    'application/problem+json',
    'application/xml',
    'application/x-www-form-urlencoded',
  ])('passes a %s body as UTF-8 text', async (contentType) => {
    const { event } = await echoed('POST', '/upload', {
      headers: [['Content-Type', contentType]],
      body: '救助=保险&amount=100',
    });
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('救助=保险&amount=100');
  });
});

describe('routing', () => {
  it('prefers literal segments over parameters', async () => {
    expect((await echoed('GET', '/courts/special')).event.routeKey).toBe('GET /courts/special');
    const param = await echoed('GET', '/courts/K10');
    expect(param.event.routeKey).toBe('GET /courts/{code}');
    expect(param.event.pathParameters).toEqual({ code: 'K10' });
  });

  it('matches the method first: a literal route of another method does not hide a parameter route', async () => {
    expect((await echoed('GET', '/things/literal')).event.routeKey).toBe('GET /things/literal');
    const post = await echoed('POST', '/things/literal');
    expect(post.event.routeKey).toBe('POST /things/{id}');
    expect(post.event.pathParameters).toEqual({ id: 'literal' });
  });

  it('answers an unknown path with 404 ROUTE_NOT_FOUND problem+json without calling a handler', async () => {
    for (const path of ['/nope', '/applications', '/applications/', '/applications/1/extra', '/health/']) {
      const res = await send(gateway.url, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        detail: expect.any(String),
      });
    }
    expect(calls).toHaveLength(0);
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    const res = await send(gateway.url, 'DELETE', '/applications/A1');
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    });
    const allow = String(res.headers.allow).split(', ');
    expect(allow).toEqual(expect.arrayContaining(['GET', 'PATCH', 'OPTIONS']));
    expect(allow).not.toContain('DELETE');
    expect(allow).not.toContain('POST');
    expect(calls).toHaveLength(0);
  });

  it('rejects a malformed percent-encoding in the path with 400', async () => {
    const res = await send(gateway.url, 'GET', '/courts/%E4%BA');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_PATH' });
    expect(calls).toHaveLength(0);
  });

  it('serves HEAD from the GET route without a body', async () => {
    const res = await send(gateway.url, 'HEAD', '/health');
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.event.requestContext.http.method).toBe('HEAD');
    expect(calls[0]?.routeKey).toBe('GET /health');
  });

  it('answers a CORS preflight on a registered path with 204 without calling the handler', async () => {
    const res = await send(gateway.url, 'OPTIONS', '/applications/A1', {
      headers: [
        ['Origin', 'http://localhost:5173'],
        ['Access-Control-Request-Method', 'PATCH'],
        ['Access-Control-Request-Headers', 'authorization,if-match'],
      ],
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(res.headers['access-control-allow-methods']).split(', ')).toEqual(
      expect.arrayContaining(['GET', 'PATCH']),
    );
    expect(res.headers['access-control-allow-headers']).toBe('authorization,if-match');
    expect(calls).toHaveLength(0);
    expect((await send(gateway.url, 'OPTIONS', '/nope')).status).toBe(404);
  });

  it('adds access-control-allow-origin to responses for requests with an Origin', async () => {
    const res = await send(gateway.url, 'GET', '/health', { headers: [['Origin', 'http://localhost:5173']] });
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const noOrigin = await send(gateway.url, 'GET', '/health');
    expect(noOrigin.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('refuses duplicate or malformed route definitions at start', async () => {
    const h: LocalHandler = async () => ({});
    await expect(
      startHttpGateway({
        routes: [
          { method: 'GET', path: '/a/{id}', handler: h },
          { method: 'GET', path: '/a/{other}', handler: h },
        ],
      }),
    ).rejects.toThrow(/Duplicate route/);
    // No route uses greedy parameters: the trimmed gateway refuses them instead of half-supporting them.
    for (const path of ['/files/{proxy+}', '/a/{p+}/b'])
      await expect(startHttpGateway({ routes: [{ method: 'GET', path, handler: h }] })).rejects.toThrow(
        /greedy \{name\+\} is not supported/,
      );
    await expect(startHttpGateway({ routes: [{ method: 'GET', path: 'a', handler: h }] })).rejects.toThrow();
  });
});

describe('request body limit', () => {
  it('accepts a body of exactly maxBodyBytes', async () => {
    const { event } = await echoed('POST', '/upload', {
      headers: [['Content-Type', 'text/plain']],
      body: 'x'.repeat(1024),
    });
    expect(event.body).toHaveLength(1024);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a declared length over the limit without calling the handler', async () => {
    const res = await send(gateway.url, 'POST', '/upload', {
      headers: [['Content-Type', 'text/plain']],
      body: 'x'.repeat(1025),
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      detail: expect.any(String),
    });
    expect(calls).toHaveLength(0);
  });

  it('answers 413 for a chunked body that grows past the limit, before the client has finished sending', async () => {
    const url = new URL(gateway.url);
    const outcome = await new Promise<{ status: number; sentBytes: number; body: string }>(
      (resolve, reject) => {
        let sentBytes = 0;
        let responded = false;
        const req = request({
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/upload',
          headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
          agent: false,
        });
        req.on('response', (res) => {
          responded = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, sentBytes, body: Buffer.concat(chunks).toString('utf8') });
            req.destroy();
          });
        });
        req.on('error', (error) => {
          if (!responded) reject(error);
        });
        const chunk = Buffer.alloc(256, 0x61);
        // Keep sending until the server answers; never end the body. Bounded so a broken server fails the test.
        const pump = () => {
          if (responded || req.destroyed) return;
          if (sentBytes > 8 * 1024 * 1024) {
            reject(new Error('server kept reading past the limit'));
            req.destroy();
            return;
          }
          sentBytes += chunk.length;
          if (req.write(chunk)) setImmediate(pump);
          else req.once('drain', pump);
        };
        pump();
      },
    );
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(calls).toHaveLength(0);
  });
});

describe('handler result → HTTP response', () => {
  it('sends a string result as 200 application/json with the string as body', async () => {
    const res = await send(gateway.url, 'GET', '/result/string');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('hello 你好');
  });

  it('sends an object without statusCode as 200 JSON', async () => {
    const res = await send(gateway.url, 'GET', '/result/object');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ ok: true, n: 1 });
    const arr = await send(gateway.url, 'GET', '/result/array');
    expect(arr.status).toBe(200);
    expect(arr.json()).toEqual([1, 'two']);
  });

  it('maps a structured result: status, headers and body', async () => {
    const res = await send(gateway.url, 'GET', '/result/structured');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-count']).toBe('3');
    expect(res.headers['x-flag']).toBe('true');
    expect(res.headers.etag).toBe('"v2"');
    expect(res.text).toBe('已创建');
  });

  it('decodes a base64 body when isBase64Encoded is set', async () => {
    const res = await send(gateway.url, 'GET', '/result/binary');
    expect(res.status).toBe(200);
    expect(res.body.equals(Buffer.from([0, 1, 2, 253, 254, 255]))).toBe(true);
  });

  it('sends a result without body as an empty response', async () => {
    const res = await send(gateway.url, 'GET', '/result/no-body');
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
  });

  it('answers a throwing handler with API Gateway 500 and logs the route, never the request', async () => {
    const res = await send(gateway.url, 'POST', '/boom', {
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', SECRET_IN_HEADER],
      ],
      body: JSON.stringify({ idNumber: SECRET_IN_BODY }),
    });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('{"message":"Internal Server Error"}');
    const errorEntry = logs.find((e) => e.level === 'error');
    expect(errorEntry).toMatchObject({
      routeKey: 'POST /boom',
      errorName: 'Error',
      errorMessage: 'database exploded',
    });
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(SECRET_IN_BODY);
    expect(logged).not.toContain('header-secret-token');
  });

  it.each([
    'bad-status',
    'status-99',
    'bad-headers',
    'bad-header-value',
    'bad-body',
    'cookies',
    'multi-value-headers',
    'header-injection',
    'undefined',
    'null',
  ])('answers an invalid result (%s) with API Gateway 500', async (kind) => {
    const res = await send(gateway.url, 'GET', `/result/${kind}`);
    expect(res.status).toBe(500);
    expect(res.text).toBe('{"message":"Internal Server Error"}');
    expect(res.headers).not.toHaveProperty('set-cookie');
    expect(logs.some((e) => e.level === 'error' && e.msg === 'invalid handler result')).toBe(true);
  });

  it('answers a handler that outlives the integration timeout with 503', async () => {
    const res = await send(slowGateway.url, 'GET', '/hang');
    expect(res.status).toBe(503);
    expect(res.text).toBe('{"message":"Service Unavailable"}');
  });
});

describe('request log', () => {
  it('writes one structured line per request with method, routeKey, status, ms and requestId only', async () => {
    const res = await send(
      gateway.url,
      'POST',
      `/applications/APP-7f3c9/documents/DOC-51ab2?name=${encodeURIComponent('张三')}`,
      {
        headers: [
          ['Content-Type', 'application/json'],
          ['Authorization', SECRET_IN_HEADER],
          ['Cookie', 'sid=cookie-secret'],
        ],
        body: JSON.stringify({ idNumber: SECRET_IN_BODY }),
      },
    );
    expect(res.status).toBe(200);
    await send(gateway.url, 'GET', '/nope');
    const lines = logs.filter((e) => e.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0] as object).sort()).toEqual([
      'method',
      'ms',
      'msg',
      'requestId',
      'routeKey',
      'status',
    ]);
    expect(lines[0]).toMatchObject({
      method: 'POST',
      routeKey: 'POST /applications/{id}/documents/{documentId}',
      status: 200,
      requestId: res.headers['apigw-requestid'],
    });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(lines[1]).toMatchObject({ method: 'GET', routeKey: '-', status: 404 });
    const logged = JSON.stringify(logs);
    for (const secret of [
      SECRET_IN_BODY,
      'header-secret-token',
      'cookie-secret',
      'APP-7f3c9',
      'DOC-51ab2',
      '%E5',
    ]) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('lifecycle', () => {
  it('close() frees the port even with an idle keep-alive connection', async () => {
    const own = await startHttpGateway({ routes, log: () => {} });
    const res = await fetch(`${own.url}/health`); // undici keeps the connection alive
    expect(res.status).toBe(200);
    await res.text();
    await own.close();
    await own.close(); // idempotent
    await expect(fetch(`${own.url}/health`)).rejects.toThrow();
    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(own.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('listens on the requested port', async () => {
    const probe = createNetServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const own = await startHttpGateway({ routes, port, log: () => {} });
    try {
      expect(own.port).toBe(port);
      expect(own.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await own.close();
    }
  });

  it('fails to start when the port is taken', async () => {
    await expect(startHttpGateway({ routes, port: gateway.port, log: () => {} })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
