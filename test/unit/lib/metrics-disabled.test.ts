import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// EMF off for this file, as the local stack and the benchmarks run (restored at the end).
const metricsSetting = vi.hoisted(() => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return before;
});
afterAll(() => {
  if (metricsSetting === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = metricsSetting;
});

const { countEvent, metrics } = await import('../../../functions/lib/metrics.ts');
const { BusinessMetric } = await import('../../../functions/lib/metric-names.ts');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('business metrics with EMF disabled', () => {
  it('builds no single metric (a new Metrics and Console per event) for an event with a dimension', () => {
    expect(metrics.publishesNothing()).toBe(true);
    const single = vi.spyOn(metrics, 'singleMetric');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    countEvent(BusinessMetric.WebhookRefusals, { name: 'reason', value: 'AMOUNT_MISMATCH' });
    expect(single).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  });
});
