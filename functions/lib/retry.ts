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
