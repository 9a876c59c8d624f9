import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { idempotent } from '../../../functions/http/idempotency.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { ConflictError } from '../../../functions/lib/errors.ts';
import type { Authenticator } from '../../../functions/lib/http.ts';
import { defineIdempotentRoute } from '../../../functions/lib/idempotency.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../../../functions/ports/idempotency.ts';

/**
 * The one route-level mechanism, against an in-memory key store: what a key is scoped by, what counts
 * as the same request, and what a replay answers.
 */

const clerkA: Principal = { sub: 'same-sub', court: 'BJ0105', roles: ['clerk'] };
const clerkB: Principal = { sub: 'same-sub', court: 'SH0115', roles: ['clerk'] };

const context = { awsRequestId: 'req-1' } as Context;

function setup(opts: Parameters<typeof defineIdempotentRoute>[5] = {}) {
  const records = new Map<string, IdempotencyRecord>();
  const slot = (scope: string, key: string) => JSON.stringify([scope, key]);
  let lookUps = 0;
  const store = {
    getIdempotency: async (scope: string, key: string) => {
      lookUps++;
      return records.get(slot(scope, key));
    },
  };
  /** Stands in for a store's transaction: the change and its key record together. */
  const commit = <T>(write: IdempotentWrite<T> | undefined, result: T) => {
    if (write) {
      const existing = records.get(slot(write.scope, write.key));
      if (existing) throw new IdempotencyReplay(existing);
      records.set(slot(write.scope, write.key), recordOf(write, result));
    }
    return result;
  };
  let effects = 0;
  let useCase: (write: IdempotentWrite<{ n: number }> | undefined) => Promise<{ n: number }> = async (
    write,
  ) => commit(write, { n: ++effects });
  let principal = clerkA;
  const authenticator = (): Authenticator => ({ authenticate: async () => principal });
  const route = defineIdempotentRoute(
    idempotent({
      operationId: 'recordThing',
      method: 'POST',
      path: '/things/{id}',
      summary: 't',
      tags: [],
      auth: 'jwt',
      params: z.strictObject({ id: z.string() }),
      body: z.strictObject({ amountFen: z.int() }),
      headers: [{ name: 'If-Match', required: false, description: 'etag' }],
      responses: [],
      access: {},
    }),
    authenticator,
    (result: { n: number }) => ({ status: 201, body: result, headers: { etag: `"v${result.n}"` } }),
    (_req, write) => useCase(write),
    () => store,
    opts,
  );
  const call = async (
    opts: { key?: string; body?: unknown; id?: string; ifMatch?: string; as?: Principal } = {},
  ) => {
    principal = opts.as ?? clerkA;
    const headers: Record<string, string> = { authorization: 'Bearer t', 'content-type': 'application/json' };
    if (opts.key !== undefined) headers['idempotency-key'] = opts.key;
    if (opts.ifMatch !== undefined) headers['if-match'] = opts.ifMatch;
    const e = {
      version: '2.0',
      routeKey: 'POST /things/{id}',
      rawPath: '/things/x',
      rawQueryString: '',
      headers,
      pathParameters: { id: opts.id ?? 'x' },
      requestContext: { requestId: 'r1' },
      isBase64Encoded: false,
      body: JSON.stringify(opts.body ?? { amountFen: 1 }),
    } as unknown as APIGatewayProxyEventV2;
    const res = await route.handler(e, context);
    return {
      status: res.statusCode,
      headers: res.headers ?? {},
      json: res.body ? JSON.parse(res.body) : undefined,
    };
  };
  return {
    route,
    call,
    effects: () => effects,
    lookUps: () => lookUps,
    setUseCase: (f: typeof useCase) => {
      useCase = f;
    },
    commit,
  };
}

describe('defineIdempotentRoute', () => {
  it('declares the header and the 422 in the route spec (hence the OpenAPI document)', () => {
    const { route } = setup();
    expect(route.spec.headers?.map((h) => h.name)).toEqual(['If-Match', 'Idempotency-Key']);
    expect(
      route.spec.responses.some((r) => r.status === 422 && /IDEMPOTENCY_KEY_REUSED/.test(r.description)),
    ).toBe(true);
  });

  it('refuses a spec not declared with idempotent() (its OpenAPI would lack the header)', () => {
    const spec = { ...setup().route.spec, idempotent: undefined };
    expect(() =>
      defineIdempotentRoute(
        spec,
        () => ({ authenticate: async () => clerkA }),
        () => ({ status: 200, body: {}, headers: {} }),
        async () => ({}),
        () => ({ getIdempotency: async () => undefined }),
      ),
    ).toThrow(/idempotent\(\)/);
  });

  it('runs the use case every time without a key', async () => {
    const t = setup();
    expect((await t.call()).json).toEqual({ n: 1 });
    expect((await t.call()).json).toEqual({ n: 2 });
  });

  it('replays the first response (status, headers, body) for the same key and request, without running again', async () => {
    const t = setup();
    const first = await t.call({ key: 'k1' });
    const replay = await t.call({ key: 'k1' });
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.etag).toBe(first.headers.etag);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(t.effects()).toBe(1);
  });

  it('refuses the same key with another body, or another declared header, with 422 and runs nothing', async () => {
    const t = setup();
    await t.call({ key: 'k1', ifMatch: '"v1"' });
    for (const other of [
      { key: 'k1', ifMatch: '"v1"', body: { amountFen: 2 } },
      { key: 'k1', ifMatch: '"v2"' },
      { key: 'k1' },
    ]) {
      const res = await t.call(other);
      expect(res.status).toBe(422);
      expect(res.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(t.effects()).toBe(1);
  });

  it('scopes the key by court (same sub elsewhere) and by target (other path parameters)', async () => {
    const t = setup();
    const a = await t.call({ key: 'k1' });
    const elsewhere = await t.call({ key: 'k1', as: clerkB });
    const otherTarget = await t.call({ key: 'k1', id: 'y' });
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined();
    expect(otherTarget.headers['idempotent-replayed']).toBeUndefined();
    expect([a.json.n, elsewhere.json.n, otherTarget.json.n]).toEqual([1, 2, 3]);
  });

  it('answers with the winner’s response when a concurrent request with the key committed first', async () => {
    const t = setup();
    // The store's transaction finds the key recorded meanwhile.
    t.setUseCase(async (write) => {
      t.commit(write, { n: 41 });
      return t.commit(write, { n: 42 });
    });
    const raced = await t.call({ key: 'k1' });
    expect(raced.json).toEqual({ n: 41 });
    expect(raced.headers['idempotent-replayed']).toBe('true');
    // The use case's own check refuses (the winner changed the state), but the winner's record exists.
    t.setUseCase(async (write) => {
      t.commit(write, { n: 43 });
      throw new ConflictError('DECISION_ALREADY_RECORDED', 'decided');
    });
    const refused = await t.call({ key: 'k2' });
    expect(refused.status).toBe(201);
    expect(refused.json).toEqual({ n: 43 });
  });

  it('refuses a malformed key with 400 before the use case runs', async () => {
    const t = setup();
    for (const key of ['', 'a b', 'x'.repeat(129), 'ключ', 'a#b']) {
      const res = await t.call({ key });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('INVALID_IDEMPOTENCY_KEY');
    }
    expect(t.effects()).toBe(0);
  });

  describe("lookUp: 'on-refusal' (a use case whose transaction is its only effect)", () => {
    it('makes no look-up before a first request, which runs and records its response', async () => {
      const t = setup({ lookUp: 'on-refusal' });
      const first = await t.call({ key: 'k1' });
      expect(first.status).toBe(201);
      expect(t.lookUps()).toBe(0);
    });

    it('answers a replay with the first response, whether its write or its refusal meets the key', async () => {
      const t = setup({ lookUp: 'on-refusal' });
      const first = await t.call({ key: 'k1' });
      // Reaches its write: the key's record cancels it (IdempotencyReplay).
      const written = await t.call({ key: 'k1' });
      expect(written.json).toEqual(first.json);
      expect(written.headers['idempotent-replayed']).toBe('true');
      // Refused before its write (the state moved on): the look-up after the refusal answers.
      t.setUseCase(async () => {
        throw new ConflictError('ALREADY_CLOSED', 'closed');
      });
      const refused = await t.call({ key: 'k1' });
      expect(refused.status).toBe(201);
      expect(refused.json).toEqual(first.json);
      expect(refused.headers['idempotent-replayed']).toBe('true');
    });

    it('refuses the same key with another request with 422 and writes nothing', async () => {
      const t = setup({ lookUp: 'on-refusal' });
      await t.call({ key: 'k1', body: { amountFen: 1 } });
      const other = await t.call({ key: 'k1', body: { amountFen: 2 } });
      expect(other.status).toBe(422);
      expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
      t.setUseCase(async () => {
        throw new ConflictError('ALREADY_CLOSED', 'closed');
      });
      const refused = await t.call({ key: 'k1', body: { amountFen: 2 } });
      expect(refused.status).toBe(422);
      // The key still holds the first response: the other request recorded nothing.
      expect((await t.call({ key: 'k1', body: { amountFen: 1 } })).json).toEqual({ n: 1 });
    });

    it('looks the key up first by default', async () => {
      const t = setup();
      await t.call({ key: 'k1' });
      expect(t.lookUps()).toBe(1);
    });
  });
});
