import * as lifecycle from '../domain/lifecycle.ts';
import type { ApplicationStore } from '../ports/application-store.ts';
import type { Outbox } from '../ports/outbox.ts';
import type { Workflow } from '../ports/workflow.ts';
import { decisionOutput } from './approval-steps.ts';

export class SupersededError extends Error {
  override name = 'Superseded';
}

/**
 * The `.waitForTaskToken` task of a level: records the token on the application. When the level's
 * decision was recorded before the token arrived, answers the token at once.
 */
export async function recordTaskToken(
  deps: {
    repo: Pick<ApplicationStore, 'recordTaskToken'> & Pick<Outbox, 'completeOutbox'>;
    workflow: Pick<Workflow, 'sendTaskSuccess'>;
  },
  input: {
    applicationId: string;
    submissionSeq: number;
    level: number;
    taskToken: string;
    /** The execution asking; one that is not the submission's current execution (re-driven since) ends. */
    executionName?: string;
  },
) {
  const token = { submissionSeq: input.submissionSeq, level: input.level, token: input.taskToken };
  const { outcome, app } = await deps.repo.recordTaskToken(input.applicationId, token, input.executionName);
  if (!app) throw new SupersededError('The submission was superseded.');
  // The application as the store left it: the token recorded, or as it stood when it was not.
  const { effects } = supersededOn(() =>
    lifecycle.recordTaskToken(app, { ...token, executionName: input.executionName }),
  );
  if (effects.answer) {
    await deps.workflow.sendTaskSuccess(effects.answer.token, decisionOutput(effects.answer.decision, app));
    await deps.repo.completeOutbox(effects.answer.outbox);
    return { recorded: outcome, answered: true };
  }
  if (outcome !== 'recorded') throw new SupersededError('The application no longer waits at this level.');
  return { recorded: outcome, answered: false };
}

/** A refused workflow note ends its execution as superseded (the state machine's `Superseded` catch). */
function supersededOn<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof lifecycle.LifecycleRefusal) throw new SupersededError(error.message);
    throw error;
  }
}
