import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Principal } from '../../../functions/lib/auth.ts';
import { ConflictError } from '../../../functions/lib/errors.ts';
import { type Authenticator, defineRoute } from '../../../functions/lib/http.ts';

const clerk: Principal = { sub: 'u1', court: 'BJ0105', roles: ['clerk'] };

function authenticatorFor(principal: Principal | Error): () => Authenticator {
  return () => ({
    authenticate: async (header) => {
      if (principal instanceof Error) throw principal;
      if (!header)
        throw Object.assign(new Error('missing'), { name: 'UnauthorizedError', code: 'TOKEN_MISSING' });
      return principal;
    },
  });
}

function event(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    requestContext: { requestId: 'r1' } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    ...overrides,
  };
}

const context = { awsRequestId: 'req-1' } as Context;

const Body = z.strictObject({ name: z.string().min(1), amountFen: z.int().min(0) });

function route(
  impl: (body: z.infer<typeof Body>) => Promise<unknown> = async (b) => b,
  principal: Principal | Error = clerk,
) {
  return defineRoute(
    {
      operationId: 'thing',
      method: 'POST',
      path: '/things',
      summary: 't',
      tags: [],
      auth: 'jwt',
      roles: ['clerk'],
      body: Body,
      maxBodyBytes: 200,
      responses: [],
      access: {},
    },
    authenticatorFor(principal),
    async (req) => ({ status: 201, body: await impl(req.body) }),
  ).handler;
}

async function call(h: ReturnType<typeof route>, e: APIGatewayProxyEventV2) {
  const res = await h(e, context);
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}

describe('defineRoute', () => {
  it('passes the parsed body to the use case and renders JSON', async () => {
    const res = await call(route(), event({ body: JSON.stringify({ name: 'a', amountFen: 5 }) }));
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ name: 'a', amountFen: 5 });
  });

  it('decodes a base64-encoded body', async () => {
    const body = Buffer.from(JSON.stringify({ name: '张', amountFen: 1 })).toString('base64');
    const res = await call(route(), event({ body, isBase64Encoded: true }));
    expect(res.json.name).toBe('张');
  });

  it.each([
    ['malformed JSON', '{"name":', 400, 'MALFORMED_JSON'],
    ['an unknown field', JSON.stringify({ name: 'a', amountFen: 1, extra: true }), 400, 'VALIDATION_FAILED'],
    ['fractional money', JSON.stringify({ name: 'a', amountFen: 1.5 }), 400, 'VALIDATION_FAILED'],
    ['an oversized body', JSON.stringify({ name: 'a'.repeat(300), amountFen: 1 }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s as problem+json', async (_what, body, status, code) => {
    let called = false;
    const res = await call(
      route(async (b) => {
        called = true;
        return b;
      }),
      event({ body }),
    );
    expect(res.statusCode).toBe(status);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) });
    expect(called).toBe(false);
  });

  it('names the unknown field and the wrong path in errors', async () => {
    const res = await call(route(), event({ body: JSON.stringify({ name: '', amountFen: 'x', extra: 1 }) }));
    const paths = res.json.errors.map((e: { path: string; code: string }) => `${e.code}@${e.path}`);
    expect(paths).toEqual(
      expect.arrayContaining(['UNKNOWN_FIELD@extra', 'INVALID_TYPE@amountFen', 'INVALID_TOO_SMALL@name']),
    );
  });

  it('refuses a body that is not JSON by content type', async () => {
    const res = await call(
      route(),
      event({ body: '{}', headers: { authorization: 'Bearer t', 'content-type': 'text/plain' } }),
    );
    expect(res.statusCode).toBe(415);
  });

  it('401s without a token and 403s a principal without the role', async () => {
    const noToken = await call(
      route(),
      event({ headers: { 'content-type': 'application/json' }, body: '{}' }),
    );
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json.code).toBe('TOKEN_MISSING');
    const approver = await call(
      route(undefined, { sub: 'a', court: 'BJ', roles: ['approver'] }),
      event({ body: '{}' }),
    );
    expect(approver.statusCode).toBe(403);
    expect(approver.json.code).toBe('ROLE_FORBIDDEN');
  });

  it('maps typed errors to their status and code', async () => {
    const res = await call(
      route(async () => {
        throw new ConflictError('DUPLICATE_APPLICATION', 'dup');
      }),
      event({ body: JSON.stringify({ name: 'a', amountFen: 1 }) }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json.code).toBe('DUPLICATE_APPLICATION');
  });

  it('maps DynamoDB throttling (also inside a cancelled transaction) to 429 with Retry-After', async () => {
    for (const error of [
      Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }),
      Object.assign(new Error('x'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ThrottlingError' }],
      }),
    ]) {
      const res = await call(
        route(async () => {
          throw error;
        }),
        event({ body: JSON.stringify({ name: 'a', amountFen: 1 }) }),
      );
      expect(res.statusCode).toBe(429);
      expect(res.headers?.['retry-after']).toBe('1');
    }
  });

  it('hides internals of an unexpected error behind a 500 problem', async () => {
    const res = await call(
      route(async () => {
        throw new Error('ValidationException: secret table name relief-prod');
      }),
      event({ body: JSON.stringify({ name: 'a', amountFen: 1 }) }),
    );
    expect(res.statusCode).toBe(500);
    expect(res.json.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toContain('relief-prod');
  });

  it('keeps principals apart across concurrent requests', async () => {
    const seen: string[] = [];
    const h = defineRoute(
      {
        operationId: 'w',
        method: 'GET',
        path: '/w',
        summary: '',
        tags: [],
        auth: 'jwt',
        responses: [],
        access: {},
      },
      () => ({
        authenticate: async (header) => {
          await new Promise((r) => setTimeout(r, header === 'Bearer slow' ? 20 : 0));
          return { sub: header ?? '', court: 'BJ', roles: ['approver'] };
        },
      }),
      async (req) => {
        seen.push(req.principal.sub);
        return { status: 200, body: { sub: req.principal.sub } };
      },
    ).handler;
    const [slow, fast] = await Promise.all([
      h(event({ headers: { authorization: 'Bearer slow' } }), context),
      h(event({ headers: { authorization: 'Bearer fast' } }), context),
    ]);
    expect(JSON.parse(slow.body as string).sub).toBe('Bearer slow');
    expect(JSON.parse(fast.body as string).sub).toBe('Bearer fast');
  });
});
