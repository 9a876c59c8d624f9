import * as lifecycle from '../domain/lifecycle.ts';
import type { ApplicationStore } from '../ports/application-store.ts';
import { noted } from './approval-steps.ts';

/**
 * The workflow escalates a level that left the application waiting too long: audit + counter
 * (domain/lifecycle.ts `escalate`). An escalation the application no longer waits for (another
 * submission's execution, or nothing in flight) writes nothing: `{ escalated: false }`, and the
 * execution goes on to its next task, which ends it.
 */
export async function escalateOverdue(
  deps: { repo: Pick<ApplicationStore, 'update'> },
  input: { applicationId: string; submissionSeq: number; reason: string },
) {
  return noted(deps, input.applicationId, (current) => lifecycle.escalate(current, input), 'escalated');
}
