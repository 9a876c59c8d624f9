import { type Effects, LifecycleRefusal, type Transition } from '../domain/lifecycle.ts';
import { type AppError, ConflictError, ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord, Mutation, UpdateOptions } from '../ports/applications.ts';
import { reportDelta } from './report-keys.ts';

/**
 * How the use cases run a lifecycle transition (domain/lifecycle.ts) against the store: its refusal
 * becomes the typed error of its kind (409, 403, 422), its effects the store's UpdateOptions.
 */
export function asAppError(refusal: LifecycleRefusal): AppError {
  const opts = refusal.errors ? { errors: refusal.errors } : {};
  switch (refusal.kind) {
    case 'conflict':
      return new ConflictError(refusal.code, refusal.message, opts);
    case 'forbidden':
      return new ForbiddenError(refusal.code, refusal.message, opts);
    case 'unprocessable':
      return new UnprocessableError(refusal.code, refusal.message, opts);
  }
}

/** Runs `fn`; a LifecycleRefusal comes out as its typed error. */
export function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof LifecycleRefusal) throw asAppError(error);
    throw error;
  }
}

/** A transition's effects as the store's options for the same transaction. */
export function effectOptions(app: ApplicationRecord, effects: Effects): UpdateOptions {
  return {
    ...(effects.quota ? { quota: effects.quota } : {}),
    ...(effects.outbox ? { outbox: effects.outbox } : {}),
    ...(effects.releaseDuplicateLock !== undefined
      ? { releaseDuplicateLock: effects.releaseDuplicateLock }
      : {}),
    ...(effects.report ? { report: reportDelta(app, effects.report.add, effects.report.paid) } : {}),
    ...(effects.fundCredit ? { fundCredit: effects.fundCredit } : {}),
  };
}

/**
 * The mutation and options for `repo.update` from one transition: the mutation runs it on the record
 * read (refusals as typed errors); the options carry its effects plus `extra` (idempotency, events).
 * The store calls the options right after the mutation, on the same record.
 */
export function applying<T extends Transition>(
  step: (current: ApplicationRecord) => T,
  extra: (current: ApplicationRecord, transition: T) => UpdateOptions = () => ({}),
): [Mutation, (current: ApplicationRecord) => UpdateOptions] {
  let last: T | undefined;
  const mutate: Mutation = (current) => {
    last = refusing(() => step(current));
    return { next: last.next, audit: last.audit };
  };
  const options = (current: ApplicationRecord): UpdateOptions => {
    const t = last as T;
    return { ...effectOptions(current, t.effects), ...extra(current, t) };
  };
  return [mutate, options];
}
