import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// EMF on for this file (the e2e project's stack turns it off for the process; restored at the end).
const metricsSetting = vi.hoisted(() => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  return before;
});
afterAll(() => {
  if (metricsSetting === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = metricsSetting;
});

// The sweep itself is tested against the stores (test/usecases/overdue-checks.test.ts); here only what
// the scheduled task tells the operator.
const sweep = vi.hoisted(() => ({
  result: {
    examined: 5,
    escalated: 3,
    passComplete: true,
    outcomes: { escalated: 3 } as Record<string, number>,
  },
}));
vi.mock('../../../functions/usecases/escalate-overdue-asset-checks.ts', () => ({
  escalateOverdueAssetChecks: async () => sweep.result,
}));
vi.mock('../../../functions/factories/dynamodb.ts', () => ({ applicationDeps: () => ({}) }));

const { handler } = await import('../../../functions/entries/tasks/escalate-overdue-checks.ts');

let lines: Record<string, unknown>[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n'))
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const overdueMetric = () =>
  lines
    .filter((l) => '_aws' in l && JSON.stringify(l._aws).includes('"AssetChecksOverdue"'))
    .map((l) => l.AssetChecksOverdue);
const context = { awsRequestId: 'sweep-1', functionName: 'relief-test-escalate' } as Context;

describe('the overdue asset-check sweep tells the operator (issue 15 item 4: audit + operator metric)', () => {
  it('counts every check it escalated as AssetChecksOverdue (the alarmed metric)', async () => {
    sweep.result = { examined: 5, escalated: 3, passComplete: true, outcomes: { escalated: 3 } };
    await handler({}, context);
    expect(overdueMetric()).toEqual([3]);
  });

  it('fails the run when an escalation failed (the next run retries; the function errors show), still counting the others', async () => {
    sweep.result = { examined: 4, escalated: 2, passComplete: false, outcomes: { escalated: 2, failed: 1 } };
    await expect(handler({}, context)).rejects.toThrow('next run retries');
    expect(overdueMetric()).toEqual([2]);
  });
});
