import { ulid } from 'ulid';

/** Time and identifiers, the same for every adapter and use case of a function. */
export const clock = {
  now: (): Date => new Date(),
  newId: (): string => ulid(),
};
