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
 * When the reconciler tries an outbox item again after `attempts` failed deliveries: exponential from
 * 5 s, at most 30 minutes apart (the deployed reconciler runs every minute), so a failing item moves
 * behind the others instead of holding its place at the head of its shard.
 */
export const OUTBOX_RETRY = { baseMs: 5_000, capMs: 30 * 60_000 } as const;

export function outboxRetryAt(now: Date, attempts: number): string {
  const waitMs = Math.min(OUTBOX_RETRY.capMs, OUTBOX_RETRY.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + waitMs).toISOString();
}
