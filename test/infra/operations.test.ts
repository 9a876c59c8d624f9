import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stacks/catalog.ts';
import { type Synthesised, synth } from './synth.ts';

/**
 * Issue 18 item 2: the stage's dashboard and the alarms that page (metric, threshold), each with its
 * runbook entry in docs/operations.md. Synthesised for aws-cn (the default region) and aws.
 */
const partitions = [
  { region: 'cn-northwest-1', extra: { insurerAccountId: '123456789012' } },
  { region: 'us-east-1', extra: {} },
] as const;

interface AlarmProps {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Threshold: number;
  EvaluationPeriods: number;
  TreatMissingData?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Namespace: string } };
  }[];
}

describe.each(partitions)('operations in $region', ({ region, extra }) => {
  let s: Synthesised;
  let alarms: AlarmProps[];
  beforeAll(async () => {
    s = await synth({ context: { region, stage: 'ops', ...extra }, cfnValidation: false });
    alarms = Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as AlarmProps,
    );
  }, 120_000);

  const byMetric = (namespace: string, metric: string) =>
    alarms.filter((a) => a.Namespace === namespace && a.MetricName === metric);
  const dims = (a: AlarmProps | undefined) =>
    Object.fromEntries((a?.Dimensions ?? []).map((d) => [d.Name, d.Value]));

  it.each([
    ['AWS/States', 'ExecutionsFailed', 1],
    ['AWS/States', 'ExecutionsTimedOut', 1],
    ['AWS/States', 'ExecutionThrottled', 1],
    ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 1],
    ['AWS/ApiGateway', '5xx', 5],
    ['Relief', 'RedriveFailures', 1],
    ['Relief', 'WorkflowStuck', 1],
    ['Relief', 'AuditSealRefused', 1],
    ['Relief', 'AssetChecksOverdue', 1],
  ] as const)('pages on %s %s at %d', (namespace, metric, threshold) => {
    const found = byMetric(namespace, metric);
    expect(found).toHaveLength(1);
    expect(found[0]?.Threshold).toBe(threshold);
  });

  it('pages when the oldest outbox item waits 15 minutes, or reconcile stops reporting', () => {
    const [outbox] = byMetric('Relief', 'OutboxOldestAgeSeconds');
    expect(outbox).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 900,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
    });
    expect(dims(outbox)).toEqual({ service: 'relief', stage: 'ops' });
  });

  it('pages on overdue asset checks the sweep escalated (the EMF metric, no extra dimension)', () => {
    const [overdue] = byMetric('Relief', 'AssetChecksOverdue');
    expect(overdue).toMatchObject({ Statistic: 'Sum', Threshold: 1, EvaluationPeriods: 1 });
    expect(dims(overdue)).toEqual({ service: 'relief', stage: 'ops' });
  });

  it('pages on a spike of webhook signature refusals (the EMF metric by reason)', () => {
    const [spike] = byMetric('Relief', 'WebhookRefusals');
    expect(spike?.Threshold).toBe(10);
    expect(dims(spike)).toEqual({ service: 'relief', stage: 'ops', reason: 'INVALID_SIGNATURE' });
  });

  it('pages on DynamoDB read and write throttles of the table', () => {
    const throttles = alarms.filter((a) =>
      a.Metrics?.some((m) => m.MetricStat?.Metric.MetricName === 'WriteThrottleEvents'),
    );
    expect(throttles).toHaveLength(1);
    expect(throttles[0]?.Threshold).toBe(5);
    const names = throttles[0]?.Metrics?.flatMap((m) =>
      m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
    );
    expect(names?.sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
  });

  it('no longer pages on every function’s errors and throttles at threshold 1', () => {
    expect(byMetric('AWS/Lambda', 'Throttles')).toEqual([]);
    // Only the audit sealer's, two runs in a row.
    expect(byMetric('AWS/Lambda', 'Errors')).toEqual([
      expect.objectContaining({ Threshold: 1, EvaluationPeriods: 2 }),
    ]);
    expect(alarms.length).toBeLessThan(20);
  });

  it('has a runbook entry in docs/operations.md for every alarm', () => {
    const runbook = readFileSync(path.join(REPO_ROOT, 'docs/operations.md'), 'utf8');
    const ids = s.stateless.alarms.map((a) => a.node.id.replace(/Alarm$/, ''));
    expect(ids.length).toBe(alarms.length);
    for (const id of ids) expect(runbook, id).toMatch(new RegExp(`^### ${id}$`, 'm'));
  });

  it('has one dashboard for the stage with the API, executions, queues, table and business metrics', () => {
    const dashboards = Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('relief-ops');
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const metric of [
      '4xx',
      '5xx',
      'Latency',
      'ExecutionsStarted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionThrottled',
      'ApproximateNumberOfMessagesVisible',
      'OutboxOldestAgeSeconds',
      'OutboxDepth',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'TransactionConflict',
      'ApplicationsCreated',
      'Decisions',
      'QuotaRefusals',
      'Payouts',
      'WebhookRefusals',
      'Escalations',
      'RedriveFailures',
    ]) {
      expect(body, metric).toContain(`\\"${metric}\\"`);
    }
    expect(body).toContain('alarm');
  });
});
