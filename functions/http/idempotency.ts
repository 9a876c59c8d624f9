import type * as z from 'zod';
import type { RouteSpec } from '../lib/route-spec.ts';
import { problem } from './schemas.ts';

/**
 * `Idempotency-Key` on every state-changing route, one way (api-contract "Conventions"). The spec
 * declares it with `idempotent({...})`, which adds the header and the documented problems; the
 * route's entry answers it with `defineIdempotentRoute` (lib/idempotency.ts), and the use case passes
 * the write it is handed to its store.
 */
export const idempotencyHeader = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Retry-safe key (1-128 of A-Z a-z 0-9 . _ : -), scoped by your court, your subject, the operation and its target. A replay with the same key and request returns the first response (status, headers and body, plus Idempotent-Replayed: true); the same key with another request is 422 IDEMPOTENCY_KEY_REUSED.',
};

/** A state-changing route's spec: the Idempotency-Key header and its problems declared (hence in the OpenAPI). */
export function idempotent<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<B, Q, P>): RouteSpec<B, Q, P> & { idempotent: true } {
  return {
    ...spec,
    idempotent: true,
    headers: [...(spec.headers ?? []).filter((h) => h.name !== idempotencyHeader.name), idempotencyHeader],
    responses: [
      ...spec.responses,
      problem(400, 'INVALID_IDEMPOTENCY_KEY'),
      problem(422, 'IDEMPOTENCY_KEY_REUSED (this Idempotency-Key was used with another request)'),
    ],
  };
}
