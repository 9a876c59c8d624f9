import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from './logger.ts';

/**
 * The correlation id of one piece of work, carried end to end: taken from the HTTP request
 * (`X-Correlation-Id` when valid, else API Gateway's request id), put on every log line (Powertools
 * `correlation_id`), returned as a response header, carried into the Step Functions execution input
 * (`correlationId`; each task receives it as `execution.correlationId`), sent to the insurer as
 * `Relief-Correlation-Id` on the package POST, and read back from the insurer's webhook. Outbox items
 * record it (`OutboxItem.correlationId`), and the reconciler delivers each under its item's id.
 *
 * Held in AsyncLocalStorage so adapters (sfn-workflow, http-insurer) read it without every use case
 * passing it along, and concurrent requests in the local runner never see each other's id.
 */
export const CORRELATION_HEADER = 'x-correlation-id';
/** On the outbound package POST and the insurer's webhook calls back. */
export const PACKAGE_CORRELATION_HEADER = 'relief-correlation-id';

/** Letters, digits and `._:-`, 1–128 characters: what a log query or header can carry unescaped. */
const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}

/**
 * The id of a request: the first valid one of the given header names (lower-case headers), else the
 * fallback (API Gateway's request id). An invalid header is ignored, never an error.
 */
export function correlationIdOf(
  headers: Record<string, string | undefined>,
  names: readonly string[],
  fallback: string,
): string {
  for (const name of names) {
    const value = headers[name];
    if (isCorrelationId(value)) return value;
  }
  return fallback;
}

const store = new AsyncLocalStorage<string>();

/** Runs `fn` with `id` as the current correlation id, and puts it on the logger's lines. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  logger.setCorrelationId(id);
  return store.run(id, fn);
}

/** The correlation id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return store.getStore();
}

/**
 * The correlation id of the work in progress as an optional field, to record on what it leaves for
 * later work (a document grant, an execution's input): `{}` outside any request.
 */
export function correlationField(): { correlationId?: string } {
  const id = currentCorrelationId();
  return id ? { correlationId: id } : {};
}

/**
 * Runs `fn` under the correlation id a piece of deferred work recorded (an outbox item's: the request
 * that wrote it), so a late delivery's logs and calls join that request's; without a valid one, under
 * the current id. The logger gets the current id back afterwards (the sweep's own lines stay its own).
 */
export async function underRecordedCorrelationId<T>(
  id: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!isCorrelationId(id) || id === currentCorrelationId()) return fn();
  const outer = currentCorrelationId();
  try {
    return await withCorrelationId(id, fn);
  } finally {
    if (outer !== undefined) logger.setCorrelationId(outer);
  }
}
