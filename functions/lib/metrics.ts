import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';
import {
  BusinessMetric,
  type BusinessMetricName,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from './metric-names.ts';

/**
 * Business events as CloudWatch metrics (Powertools Metrics, Embedded Metric Format: a log line that
 * CloudWatch turns into metrics, so it works in aws-cn too). Namespace `Relief`, dimensions `service`
 * and `stage` (RELIEF_STAGE, set by CDK on every function; `local` in the local runner). An event with
 * an outcome or reason is published at once as a single metric with that extra dimension; the rest
 * are buffered and flushed by middy's `logMetrics` (HTTP, lib/http.ts) or `publishBusinessMetrics()`
 * (tasks, lib/task.ts). The dashboard and alarms (infra/stacks/stateless-stack.ts) read these names.
 */
export {
  BusinessMetric,
  type BusinessMetricName,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from './metric-names.ts';

export function stageOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.RELIEF_STAGE && env.RELIEF_STAGE.length > 0 ? env.RELIEF_STAGE : 'local';
}

/** Powertools' Metrics, saying whether it publishes anything (its isDisabled() is protected). */
class BusinessMetrics extends Metrics {
  publishesNothing(): boolean {
    return this.isDisabled();
  }
}

/** The one Metrics instance of a function (Powertools keeps a buffer per instance). */
export const metrics = new BusinessMetrics({
  namespace: METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  defaultDimensions: { stage: stageOf() },
  // Most requests count nothing: Powertools' "No application metrics to publish" is a debug line here.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) =>
      String(args[0]).startsWith('No application metrics')
        ? logger.debug(String(args[0]))
        : logger.warn(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});

/** Counts one event; with a dimension (outcome/reason/code) it is published at once with it. */
export function countEvent(
  name: BusinessMetricName,
  dimension?: { name: 'outcome' | 'reason' | 'code'; value: string },
  count = 1,
): void {
  if (count <= 0) return;
  if (!dimension) {
    metrics.addMetric(name, MetricUnit.Count, count);
    return;
  }
  // A single metric is a new Metrics instance (its own Console on stdout): none when nothing is published.
  if (metrics.publishesNothing()) return;
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, count);
}

/**
 * The business metric a refusal of `operationId` with problem `code` counts as, if any: the insurer
 * webhook's refusals by reason, and every quota refusal (QUOTA_*), whichever route refused.
 */
export function refusalMetricOf(
  operationId: string,
  code: string,
): { name: BusinessMetricName; dimension: { name: 'reason' | 'code'; value: string } } | undefined {
  if (operationId === 'insurerWebhook')
    return { name: BusinessMetric.WebhookRefusals, dimension: { name: 'reason', value: code } };
  if (code.startsWith('QUOTA_'))
    return { name: BusinessMetric.QuotaRefusals, dimension: { name: 'code', value: code } };
  return undefined;
}

/** A gauge (published with the buffered metrics): a depth or an age. */
export function recordGauge(name: BusinessMetricName, value: number, unit: 'Count' | 'Seconds'): void {
  metrics.addMetric(name, unit === 'Count' ? MetricUnit.Count : MetricUnit.Seconds, value);
}

/** What still waits in the outbox: how many items, and how long the oldest has waited (0 when none). */
export function outboxGauges(
  items: readonly { createdAt: string }[],
  now: Date,
): { depth: number; oldestAgeSeconds: number } {
  let oldest = now.getTime();
  for (const item of items) {
    const at = Date.parse(item.createdAt);
    if (Number.isFinite(at) && at < oldest) oldest = at;
  }
  return { depth: items.length, oldestAgeSeconds: Math.max(0, Math.floor((now.getTime() - oldest) / 1000)) };
}

/** Flushes the buffered metrics (tasks; HTTP flushes through middy's logMetrics). */
export function publishBusinessMetrics(): void {
  metrics.publishStoredMetrics();
}
