import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Route } from '../../functions/lib/http.ts';
import type { ApiResponse } from './api.ts';

/**
 * Calls a route's Lambda handler in process with a synthetic API Gateway v2 (payload 2.0) event, as
 * the local gateway builds it, so latency without HTTP can be compared with latency over HTTP.
 */
export class InProcess {
  private readonly byKey = new Map<string, Route>();

  constructor(routes: readonly Route[]) {
    for (const r of routes) this.byKey.set(`${r.spec.method} ${r.spec.path}`, r);
  }

  has(method: string, routePath: string): boolean {
    return this.byKey.has(`${method} ${routePath}`);
  }

  /**
   * `routePath` is the route's template (`/applications/{id}/submit`), `params` fill it.
   * The body is sent as the JSON text of `body` (or `rawBody` verbatim).
   */
  async invoke(
    method: string,
    routePath: string,
    opts: {
      params?: Record<string, string>;
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
      query?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const route = this.byKey.get(`${method} ${routePath}`);
    if (!route) throw new Error(`no route ${method} ${routePath}`);
    const params = opts.params ?? {};
    const rawPath = routePath.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
    const headers: Record<string, string> = { host: 'bench.local', 'user-agent': 'relief-bench' };
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const body = opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const now = new Date();
    const requestId = randomUUID();
    const rawQueryString = new URLSearchParams(opts.query ?? {}).toString();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${method} ${routePath}`,
      rawPath,
      rawQueryString,
      headers,
      ...(opts.query ? { queryStringParameters: opts.query } : {}),
      requestContext: {
        accountId: 'bench',
        apiId: 'bench',
        domainName: 'bench.local',
        domainPrefix: 'bench',
        http: {
          method,
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'relief-bench',
        },
        requestId,
        routeKey: `${method} ${routePath}`,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
      ...(body !== undefined ? { body } : {}),
      isBase64Encoded: false,
    };
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: `relief-bench-${route.spec.operationId}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:relief-bench-${route.spec.operationId}`,
      memoryLimitInMB: '256',
      awsRequestId: requestId,
      logGroupName: '/aws/lambda/relief-bench',
      logStreamName: 'bench',
      getRemainingTimeInMillis: () => 30_000,
      done: () => {},
      fail: () => {},
      succeed: () => {},
    } as Context;
    const result = (await route.handler(event, context)) as APIGatewayProxyStructuredResultV2;
    const text = result.isBase64Encoded
      ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
      : (result.body ?? '');
    const resHeaders = new Headers();
    for (const [k, v] of Object.entries(result.headers ?? {})) resHeaders.set(k, String(v));
    const ct = resHeaders.get('content-type') ?? '';
    return {
      status: result.statusCode ?? 200,
      headers: resHeaders,
      body: ct.includes('json') && text ? JSON.parse(text) : text,
    };
  }
}
