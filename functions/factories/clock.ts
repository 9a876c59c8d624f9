import { AsyncLocalStorage } from 'node:async_hooks';
import { ulid } from 'ulid';

/**
 * Local runner only: a shift of "now", in milliseconds, for the work one request does (and the work it
 * starts, such as the approval workflow of a submission). infra/local/dev-clock.ts enters it for a
 * request carrying `X-Relief-Local-Clock-Shift`; nothing in a deployment ever enters it, so there `now`
 * is the system clock.
 */
export const localClockShift = new AsyncLocalStorage<number>();

/** Time and identifiers, the same for every adapter and use case of a function. */
export const clock = {
  now: (): Date => new Date(Date.now() + (localClockShift.getStore() ?? 0)),
  newId: (): string => ulid(),
};
