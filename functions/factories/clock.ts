import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { encodeTime } from 'ulid';

/**
 * Local runner only: a shift of "now", in milliseconds, for the work one request does (and the work it
 * starts, such as the approval workflow of a submission). infra/local/dev-clock.ts enters it for a
 * request carrying `X-Relief-Local-Clock-Shift`; nothing in a deployment ever enters it, so there `now`
 * is the system clock.
 */
export const localClockShift = new AsyncLocalStorage<number>();

/** Crockford's base32, the ULID alphabet. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 10 characters of time, 16 of randomness (80 bits). The same as `ulid()`, but drawn with one
 * randomBytes call instead of `ulid`'s one crypto call per character: ids are minted on every request,
 * and those 16 calls were most of an id's cost. `byte & 31` keeps each character uniform (256 = 8 × 32).
 */
export function newUlid(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  let id = encodeTime(now, 10);
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** Time and identifiers, the same for every adapter and use case of a function. */
export const clock = {
  now: (): Date => new Date(Date.now() + (localClockShift.getStore() ?? 0)),
  newId: (): string => newUlid(),
};
