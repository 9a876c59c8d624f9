import * as lifecycle from '../domain/lifecycle.ts';
import type { ApplicationStore } from '../ports/application-store.ts';
import { noted } from './approval-steps.ts';

/**
 * Makes a workflow fault visible on the application's trail before the execution fails
 * (domain/lifecycle.ts `recordWorkflowFault`); a fault of another submission's execution writes nothing.
 */
export async function recordWorkflowFault(
  deps: { repo: Pick<ApplicationStore, 'update'> },
  input: { applicationId: string; submissionSeq: number; error: unknown },
) {
  return noted(
    deps,
    input.applicationId,
    (current) => lifecycle.recordWorkflowFault(current, input),
    'recorded',
  );
}
