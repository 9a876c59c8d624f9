import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_MARKER,
  type CampaignRun,
  renderCampaign,
  spliceCampaign,
} from '../../../bench/campaign-report.ts';
import { InProcessApi } from '../../../bench/lib/inprocess-api.ts';
import { planCampaign } from '../../../bench/sections/campaign.ts';
import { approvalRoute, getCourt, QUOTA_HOLDER_CODES } from '../../../functions/domain/courts.ts';
import type { Route } from '../../../functions/lib/http.ts';

describe('the campaign plan (npm run bench -- --campaign)', () => {
  const plan = planCampaign(10_000);

  it('spreads 10,000 cases evenly over all 32 quota holders, each case under its own holder', () => {
    expect(QUOTA_HOLDER_CODES).toHaveLength(32);
    const per = new Map<string, number>();
    for (const c of plan) {
      const route = approvalRoute(c.court.code);
      expect(route[route.length - 1]).toBe(c.holder);
      per.set(c.holder, (per.get(c.holder) ?? 0) + 1);
    }
    expect([...per.keys()].sort()).toEqual([...QUOTA_HOLDER_CODES].sort());
    expect(Math.max(...per.values()) - Math.min(...per.values())).toBeLessThanOrEqual(1);
  });

  it('takes routes of one, two and three levels, including the municipalities’ direct-to-high basic courts', () => {
    const levels = new Map<number, number>();
    for (const c of plan) {
      const n = approvalRoute(c.court.code).length;
      levels.set(n, (levels.get(n) ?? 0) + 1);
    }
    expect([...levels.keys()].sort()).toEqual([1, 2, 3]);
    for (const code of ['BJ0105', 'TJ0104', 'SH0115', 'CQ0103']) {
      expect(getCourt(code)?.directToHighCourt).toBe(true);
      expect(plan.some((c) => c.court.code === code)).toBe(true);
    }
    // Intermediate courts execute cases too (two levels without a direct basic court).
    expect(plan.some((c) => c.court.level === 'intermediate')).toBe(true);
    expect(plan.some((c) => c.court.level === 'high')).toBe(true);
  });

  it('gives every case a case number and an applicant of its own', () => {
    const numbers = new Set(plan.map((c) => `${c.court.code}#${c.serial}`));
    expect(numbers.size).toBe(plan.length);
    expect(new Set(plan.map((c) => c.n)).size).toBe(plan.length);
  });
});

describe('InProcessApi', () => {
  const seen: APIGatewayProxyEventV2[] = [];
  const route = (method: string, path: string, operationId: string): Route =>
    ({
      spec: { method, path, operationId },
      handler: async (event: APIGatewayProxyEventV2) => {
        seen.push(event);
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      },
    }) as unknown as Route;
  const api = new InProcessApi('http://127.0.0.1:9', [
    route('POST', '/applications/{id}/decisions', 'decideApplication'),
    route('GET', '/applications', 'listApplications'),
  ]);

  it('calls the matching route’s handler with its path parameters and query, without HTTP', async () => {
    const res = await api.request('POST', '/applications/01ABC/decisions', {
      token: 't',
      body: { decision: 'approve' },
    });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(seen.at(-1)).toMatchObject({
      routeKey: 'POST /applications/{id}/decisions',
      rawPath: '/applications/01ABC/decisions',
      pathParameters: { id: '01ABC' },
      headers: { authorization: 'Bearer t' },
      body: '{"decision":"approve"}',
    });
    await api.request('GET', '/applications?campaignId=demo&status=closed&limit=200');
    expect(seen.at(-1)?.queryStringParameters).toEqual({
      campaignId: 'demo',
      status: 'closed',
      limit: '200',
    });
    expect(api.served).toEqual({ inProcess: 2, http: 0 });
  });

  it('sends what no route serves over HTTP (the dev tokens)', async () => {
    await expect(api.request('POST', '/dev/tokens', { body: {} })).rejects.toThrow();
    await expect(api.request('GET', '/applications/01ABC/decisions')).rejects.toThrow();
    expect(api.served.http).toBe(2);
  });
});

describe('the campaign section of RESULTS.md', () => {
  const run = {
    startedAt: '2026-12-01T12:00:00.000Z',
    commit: 'abc1234',
    machine: { cores: 2, cpuModel: 'x', node: 'v20', loadAverageAtStart: [1, 1, 1] },
    scratchDir: '/dev/shm/x',
    stackStartSeconds: 9,
    totalSeconds: 100,
    error: 'boom',
  } satisfies CampaignRun;

  it('replaces the previous campaign section and keeps everything before it', () => {
    const first = spliceCampaign('# results\n\nfull run tables\n', renderCampaign(run));
    expect(first.startsWith('# results\n\nfull run tables\n')).toBe(true);
    expect(first).toContain('## Campaign (10,000)');
    const second = spliceCampaign(first, renderCampaign({ ...run, error: 'again' }));
    expect(second.split(CAMPAIGN_MARKER)).toHaveLength(2);
    expect(second).toContain('again');
    expect(second).not.toContain('boom');
  });
});
