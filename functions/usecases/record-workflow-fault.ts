import * as lifecycle from '../domain/lifecycle.ts';
import type { ApplicationDeps } from './applications.ts';
import { noted } from './approval-steps.ts';

/**
 * Makes a workflow fault visible on the application's trail before the execution fails
 * (domain/lifecycle.ts `recordWorkflowFault`); a fault of another submission's execution writes nothing.
 */
export async function recordWorkflowFault(
  deps: ApplicationDeps,
  input: { applicationId: string; submissionSeq: number; error: unknown },
) {
  return noted(
    deps,
    input.applicationId,
    (current) => lifecycle.recordWorkflowFault(current, input),
    'recorded',
  );
}
