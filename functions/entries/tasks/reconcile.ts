import { applicationDeps, quotaLedger } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { BusinessMetric, countEvent, outboxGauges, recordGauge } from '../../lib/metrics.ts';
import { defineTask } from '../../lib/task.ts';
import { reconcile as spec } from '../../tasks/specs.ts';
import { sweepStaleReservations } from '../../usecases/quota-reservations.ts';
import { reconcile } from '../../usecases/reconcile.ts';

/**
 * Scheduled (every minute when deployed; every few seconds locally): heals interrupted follow-ups, then
 * reports what still waits in the outbox (depth, oldest age: alarmed, docs/operations.md), then
 * settles quota reservations left by a decision that never finished (usecases/quota-reservations.ts;
 * every one found is counted as StaleReservations, alarmed).
 */
export { spec };
export const handler = defineTask(async () => {
  const deps = { ...applicationDeps(), workflow: approvalWorkflow() };
  const results = await reconcile(deps);
  if (Object.keys(results).length > 0) logger.info('reconciled', { results });
  const { depth, oldestAgeSeconds } = outboxGauges(await deps.repo.listOutbox(100), deps.now());
  recordGauge(BusinessMetric.OutboxDepth, depth, 'Count');
  recordGauge(BusinessMetric.OutboxOldestAgeSeconds, oldestAgeSeconds, 'Seconds');
  const reservations = await sweepStaleReservations({ ...deps, quotas: quotaLedger() });
  let found = 0;
  for (const [outcome, n] of Object.entries(reservations)) {
    countEvent(BusinessMetric.StaleReservations, { name: 'outcome', value: outcome }, n);
    if (outcome !== 'fenced') found += n;
  }
  // Without a dimension: the number of entries found, which the alarm watches.
  countEvent(BusinessMetric.StaleReservations, undefined, found);
  if (Object.keys(reservations).length > 0) logger.warn('stale reservations settled', { reservations });
  return {
    ...results,
    ...Object.fromEntries(Object.entries(reservations).map(([k, n]) => [`reservation.${k}`, n])),
  };
});
