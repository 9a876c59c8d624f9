/**
 * Idempotency-Key (api-contract "Conventions"): a replay with the same key and request returns the first
 * response; the same key with another request is refused. The key is scoped by the caller's court and
 * subject, the operation and its target resource, so no one else is ever served a stored response.
 *
 * One mechanism for every state-changing route: the route reads the header (http/idempotency.ts)
 * and hands the use case an `IdempotentWrite`; the use case passes it to its store, which renders the
 * response from what it is about to store and writes the key record in the same transaction as the
 * change. A change is therefore never stored without its key, nor a key without its change.
 */

/** The first response to a request with an Idempotency-Key, as replayed. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** A stored response for an `Idempotency-Key`, written in the same transaction as the change. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  response: StoredResponse;
}

/**
 * What a store needs to record a key with a change: the scope, key and request hash, and how to render
 * the response from the stored result `T` (called once, just before the transaction is sent).
 */
export interface IdempotentWrite<T> {
  scope: string;
  key: string;
  requestHash: string;
  respond: (stored: T) => StoredResponse;
}

/** Thrown by a store when the key was recorded meanwhile (a concurrent request with the same key won). */
export class IdempotencyReplay extends Error {
  override name = 'IdempotencyReplay';
  constructor(readonly record: IdempotencyRecord) {
    super('Idempotency key already used.');
  }
}

/** Adapts an IdempotentWrite of a use case's result to what its store holds (e.g. the stored record). */
export function idempotentVia<T, S>(
  write: IdempotentWrite<T> | undefined,
  resultOf: (stored: S) => T,
): IdempotentWrite<S> | undefined {
  return write && { ...write, respond: (stored: S) => write.respond(resultOf(stored)) };
}

/** The response recorded with a change. */
export function recordOf<T>(write: IdempotentWrite<T>, stored: T): IdempotencyRecord {
  return {
    scope: write.scope,
    key: write.key,
    requestHash: write.requestHash,
    response: write.respond(stored),
  };
}

/** Idempotency keys read on their own, and recorded apart from a change where a request is several transactions. */
export interface IdempotencyLog {
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Records a key's response on its own, for a request whose changes are several transactions of their
   * own (a decision batch: each item is one decision's transaction). A key recorded meanwhile: IdempotencyReplay.
   */
  recordIdempotency<T>(write: IdempotentWrite<T>, result: T): Promise<void>;
}
