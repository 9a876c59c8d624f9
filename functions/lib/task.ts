import type { Context } from 'aws-lambda';
import { isCorrelationId, withCorrelationId } from './correlation.ts';
import { withInvocationScope } from './invocation.ts';
import { logger } from './logger.ts';
import { publishBusinessMetrics } from './metrics.ts';

/**
 * The Lambda handler of a task (functions/entries/tasks/): the correlation id of the work it continues
 * — a workflow task gets its execution's input as `execution` (statemachines/*.asl.json, `$$.Execution.Input`),
 * which carries the id of the request that started it — else its own request id; the Lambda context
 * on every log line; the business metrics it counted flushed when it ends, failed or not.
 */
export function defineTask<R>(
  run: (payload: unknown) => Promise<R>,
): (payload?: unknown, context?: Context) => Promise<R> {
  return (payload, context) => {
    const fromExecution = (payload as { execution?: { correlationId?: unknown } } | null | undefined)
      ?.execution?.correlationId;
    const id = isCorrelationId(fromExecution) ? fromExecution : (context?.awsRequestId ?? 'task');
    return withCorrelationId(id, () =>
      withInvocationScope(async () => {
        if (context) logger.addContext(context);
        logger.setCorrelationId(id);
        try {
          return await run(payload);
        } finally {
          publishBusinessMetrics();
          logger.resetKeys();
        }
      }),
    );
  };
}
