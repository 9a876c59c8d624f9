import { underRecordedCorrelationId } from '../lib/correlation.ts';
import { logger } from '../lib/logger.ts';
import { count, ensureWorkflow, type RedriveDeps, type SweepOptions, type SweepResult } from './redrive.ts';

/** One bounded run over in-flight applications: every one whose workflow is not alive is re-driven. */
export async function redriveStuckWorkflows(
  deps: RedriveDeps,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const quietMs = (options.quietSeconds ?? 60) * 1000;
  const before = options.changedBefore ?? new Date(deps.now().getTime() - quietMs).toISOString();
  const page = await deps.repo.listInFlight({
    before,
    limit: options.limit ?? 100,
    cursor: options.fromStart ? null : await deps.repo.getSweepCursor('workflows'),
  });
  const outcomes: Record<string, number> = {};
  for (const listed of page.items) {
    try {
      // The index is eventually consistent: act on the record itself.
      const app = await deps.repo.get(listed.id);
      if (!app) continue;
      if (app.updatedAt > before) {
        count(outcomes, 'busy');
        continue;
      }
      // The restart continues the submitting request's work: its logs and execution carry that id.
      count(
        outcomes,
        await underRecordedCorrelationId(app.submission?.correlationId, () =>
          ensureWorkflow(deps, app, 'sweep'),
        ),
      );
    } catch (error) {
      count(outcomes, 'failed');
      logger.warn('workflow sweep item failed', {
        applicationId: listed.id,
        errorName: (error as Error).name,
      });
    }
  }
  await deps.repo.putSweepCursor('workflows', page.cursor);
  return { examined: page.items.length, passComplete: page.cursor === null, outcomes };
}
