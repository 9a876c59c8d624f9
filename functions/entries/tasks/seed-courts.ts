import { COURTS } from '../../domain/courts.ts';
import { courtStore } from '../../factories/dynamodb.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { seedCourts as spec } from '../../tasks/specs.ts';

/**
 * The courts seeder, run by CDK on every deploy (a `triggers.Trigger` in infra/stacks/stateless-stack.ts):
 * writes the committed registry into the courts table when the table has none, never over what an
 * administrator changed since. The only Lambda that bundles courts.registry.json.
 */
export { spec };
export const handler = defineTask(async () => {
  const seeded = await courtStore().seedIfAbsent(COURTS, 'deploy:courts.registry.json');
  logger.info('courts.seed', { seeded, courts: COURTS.length });
  return { seeded, courts: COURTS.length };
});
