import { ConcurrentUpdateError } from './errors.ts';

/**
 * Backoff between optimistic-concurrency retries: "full jitter" (a random wait up to an exponentially
 * growing cap), so that writers that collided once spread out instead of colliding again in step.
 */
export const CONFLICT_RETRY = { attempts: 10, baseMs: 10, capMs: 400 } as const;

export function backoffMs(
  attempt: number,
  policy: { baseMs: number; capMs: number } = CONFLICT_RETRY,
): number {
  return 2 + Math.random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Thrown by a mutation when the record it is applied to is no longer the one its decision was made
 * on (the documents, or the submission, changed between the read and the write): read and decide again.
 */
export class StaleReadError extends Error {
  override name = 'StaleReadError';
}

/** How often a use case reads and decides again before it gives up (each write is conditioned on its read). */
export const STALE_READ_ATTEMPTS = 5;

/**
 * Runs `attempt` (read, decide, write conditioned on the read) again, after a short jittered wait, while
 * it throws StaleReadError; any other outcome is its own. When the record keeps changing it gives up
 * with ConcurrentUpdateError (409 CONCURRENT_UPDATE with Retry-After, as every other lost race), having
 * written nothing.
 */
export async function retryOnStaleRead<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; i < STALE_READ_ATTEMPTS; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleReadError)) throw error;
    }
    if (i < STALE_READ_ATTEMPTS - 1) await sleep(backoffMs(i));
  }
  throw new ConcurrentUpdateError(
    `The application kept changing while ${what}; nothing was written. Retry shortly.`,
  );
}

/**
 * When the reconciler tries an outbox item again after `attempts` failed deliveries: exponential from
 * 5 s, at most 30 minutes apart (the deployed reconciler runs every minute), so a failing item moves
 * behind the others instead of holding its place at the head of its shard.
 */
export const OUTBOX_RETRY = { baseMs: 5_000, capMs: 30 * 60_000 } as const;

export function outboxRetryAt(now: Date, attempts: number): string {
  const waitMs = Math.min(OUTBOX_RETRY.capMs, OUTBOX_RETRY.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + waitMs).toISOString();
}
