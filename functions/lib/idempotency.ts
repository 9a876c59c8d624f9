import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { canonicalJson } from '../domain/audit-chain.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  type StoredResponse,
} from '../ports/idempotency.ts';
import { BadRequestError, UnprocessableError } from './errors.ts';
import { type Authenticator, defineRoute, type HttpRequest, type Route, type RouteSpec } from './http.ts';

/**
 * The handler side of `Idempotency-Key` (the spec side is `idempotent()`, functions/http/idempotency.ts):
 *
 *   export const { spec, handler } = defineIdempotentRoute(
 *     withdrawApplication, // the spec, declared with idempotent({...})
 *     authenticator,
 *     // How to answer (annotate the result type: it is inferred from here), then what to do.
 *     (app: ApplicationRecord, req) => ({ status: 200, body: applicationView(app, req.principal), headers: {} }),
 *     (req, idempotency) => withdraw(applicationDeps(), req.principal, req.params.id, req.body, idempotency),
 *     idempotencyStore, // where keys are looked up (factories/dynamodb.ts)
 *   );
 *
 * and the use case passes `idempotency` to its store: `deps.repo.update(id, mutate, { idempotency })`
 * (or `idempotentVia(idempotency, toResult)` when its result is not the stored record). The key is
 * scoped by the caller's court and subject, the operation and its target (the path parameters); the
 * request is the parsed body and query plus the route's other declared headers (e.g. If-Match). A key
 * already recorded in that scope answers with the first response (status, headers, body) and
 * `Idempotent-Replayed: true` before the use case runs, or 422 IDEMPOTENCY_KEY_REUSED for another
 * request. Refusals (4xx) record nothing: nothing changed, so a retry is judged afresh.
 */

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** Replays the stored response of an earlier request with the same key, or refuses a reused key. */
export function replayOrRefuse(record: IdempotencyRecord, requestHash: string): StoredResponse {
  if (record.requestHash !== requestHash) {
    throw new UnprocessableError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with a different request.',
    );
  }
  return { ...record.response, headers: { ...record.response.headers, 'idempotent-replayed': 'true' } };
}

/** Reads and checks the header; the write a use case passes to its store, or undefined without a key. */
export function idempotencyOf<T>(
  spec: Pick<RouteSpec, 'operationId' | 'headers'>,
  req: Pick<
    HttpRequest<unknown, unknown, unknown>,
    'headers' | 'principal' | 'body' | 'query' | 'params' | 'rawBytes'
  >,
  respond: (result: T) => StoredResponse,
): IdempotentWrite<T> | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestError(
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -',
    );
  }
  const scope = JSON.stringify([
    req.principal.court,
    req.principal.sub,
    spec.operationId,
    canonicalJson(req.params ?? null),
  ]);
  const requestHeaders: Record<string, string | null> = {};
  for (const h of spec.headers ?? []) {
    const name = h.name.toLowerCase();
    if (name !== 'idempotency-key') requestHeaders[name] = req.headers[name] ?? null;
  }
  const requestHash = hashOf({
    body: req.body ?? null,
    query: req.query ?? null,
    headers: requestHeaders,
    // A non-JSON body (textBody routes) is the request by its exact bytes.
    ...(req.rawBytes ? { raw: createHash('sha256').update(req.rawBytes).digest('hex') } : {}),
  });
  return { scope, key, requestHash, respond };
}

/** Where recorded keys are looked up (the table's idempotency records: factories/dynamodb.ts idempotencyStore). */
export interface IdempotencyStore {
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
}

/**
 * `defineRoute` for a state-changing route: answers replays and hands the use case the write to record
 * with its change. `respond` renders the use case's result; it is also what the store records, so a
 * replay is exactly the first response. The spec must be declared with `idempotent()`.
 *
 * `lookUp: 'on-refusal'` skips the key's GetItem before the use case (one request per call saved) for a
 * use case where that look-up decides nothing: every run with a recorded key either reaches its write,
 * whose key record (conditioned on its absence) cancels it and answers the replay (IdempotencyReplay),
 * or is refused before any effect, and the look-up after the refusal answers it — with the first
 * response, or 422 for another request. Only for a use case that has no effect before its transaction
 * and never answers without writing (submit does: it answers a retry from the record's state).
 */
export function defineIdempotentRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  T = unknown,
>(
  spec: RouteSpec<B, Q, P>,
  authenticator: () => Authenticator,
  respond: (result: T, req: HttpRequest<Infer<B>, Infer<Q>, Infer<P>>) => StoredResponse,
  run: (
    req: HttpRequest<Infer<B>, Infer<Q>, Infer<P>>,
    idempotency: IdempotentWrite<T> | undefined,
  ) => Promise<NoInfer<T>>,
  store: () => IdempotencyStore,
  opts: { lookUp?: 'first' | 'on-refusal' } = {},
): Route {
  if (!spec.idempotent) {
    throw new Error(
      `${spec.operationId}: declare the spec with idempotent() (functions/http/idempotency.ts)`,
    );
  }
  return defineRoute(spec, authenticator, async (req) => {
    const write = idempotencyOf(spec, req, (result: T) => respond(result, req));
    if (!write) return respond(await run(req, undefined), req);
    if (opts.lookUp !== 'on-refusal') {
      const earlier = await store().getIdempotency(write.scope, write.key);
      if (earlier) return replayOrRefuse(earlier, write.requestHash);
    }
    try {
      return respond(await run(req, write), req);
    } catch (error) {
      if (error instanceof IdempotencyReplay) return replayOrRefuse(error.record, write.requestHash);
      // A concurrent request with the same key may have won between the look-up and the use case's
      // own checks (which then refuse, e.g. "already decided"): its response is the answer.
      const winner = await store()
        .getIdempotency(write.scope, write.key)
        .catch(() => undefined);
      if (winner) return replayOrRefuse(winner, write.requestHash);
      throw error;
    }
  });
}
