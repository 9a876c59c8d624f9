import * as lifecycle from '../domain/lifecycle.ts';
import type { ApplicationDeps } from './applications.ts';
import { noted } from './approval-steps.ts';

/**
 * The workflow escalates a level that left the application waiting too long: audit + counter
 * (domain/lifecycle.ts `escalate`). An escalation the application no longer waits for (another
 * submission's execution, or nothing in flight) writes nothing: `{ escalated: false }`, and the
 * execution goes on to its next task, which ends it.
 */
export async function escalateOverdue(
  deps: ApplicationDeps,
  input: { applicationId: string; submissionSeq: number; reason: string },
) {
  return noted(deps, input.applicationId, (current) => lifecycle.escalate(current, input), 'escalated');
}
