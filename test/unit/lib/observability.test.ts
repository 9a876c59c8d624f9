import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpInsurerClient } from '../../../functions/adapters/insurer/http-insurer.ts';
import { SfnWorkflow } from '../../../functions/adapters/sfn/workflow.ts';
import {
  currentCorrelationId,
  underRecordedCorrelationId,
  withCorrelationId,
} from '../../../functions/lib/correlation.ts';
import { ConflictError, UnauthenticatedError } from '../../../functions/lib/errors.ts';
import { defineRoute, noAuthenticator } from '../../../functions/lib/http.ts';
import { logger } from '../../../functions/lib/logger.ts';
import { BusinessMetric, countEvent, outboxGauges } from '../../../functions/lib/metrics.ts';
import { defineTask } from '../../../functions/lib/task.ts';
import type { InsurerPackage } from '../../../functions/ports/insurer.ts';

// The local stack of the e2e project turns EMF off for the process it runs in, and workers inherit that
// environment: these tests read the EMF lines, so they turn it on before lib/metrics.ts is loaded.
const metricsSetting = vi.hoisted(() => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  return before;
});
// The worker runs other files next: leave the setting as it was.
afterAll(() => {
  if (metricsSetting === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = metricsSetting;
});

/**
 * Issue 18 item 2: the correlation id (request → logs → response → execution input → insurer → webhook)
 * and the business metrics, as Powertools writes them (JSON log lines and EMF documents on stdout).
 */

let lines: Record<string, unknown>[] = [];
const level = logger.getLevelName();
beforeEach(() => {
  // Whatever the tier's POWERTOOLS_LOG_LEVEL, these tests read the INFO lines.
  logger.setLogLevel('INFO');
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel(level);
});

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}
const emf = () => lines.filter((l) => '_aws' in l) as Emf[];
const logs = () => lines.filter((l) => !('_aws' in l));
/** The EMF documents that carry metric `name`, as { dimensions, value, namespace }. */
function metric(name: string) {
  return emf()
    .filter((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name))
    .map((d) => ({
      namespace: d._aws.CloudWatchMetrics[0]?.Namespace,
      dimensions: Object.fromEntries(
        (d._aws.CloudWatchMetrics[0]?.Dimensions[0] ?? []).map((k) => [k, d[k]]),
      ),
      value: d[name],
    }));
}

const context = { awsRequestId: 'lambda-req-1', functionName: 'relief-test-fn' } as Context;

function event(headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers,
    requestContext: { requestId: 'apigw-req-1' } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
  };
}

function route(impl: () => Promise<unknown>, operationId = 'thing') {
  return defineRoute(
    {
      operationId,
      method: 'POST',
      path: '/things',
      summary: 't',
      tags: [],
      auth: 'public',
      responses: [],
      access: {},
    },
    noAuthenticator,
    async () => {
      logger.info('working');
      return { status: 200, body: { seenCorrelationId: currentCorrelationId(), result: await impl() } };
    },
  ).handler;
}

describe('correlation id on HTTP routes', () => {
  it('takes a valid X-Correlation-Id, returns it as a header and puts it on every log line', async () => {
    const res = await route(async () => 'ok')(event({ 'x-correlation-id': 'abc-123.4:5' }), context);
    expect(res.headers?.['x-correlation-id']).toBe('abc-123.4:5');
    expect(JSON.parse(res.body as string).seenCorrelationId).toBe('abc-123.4:5');
    const working = logs().find((l) => l.message === 'working');
    expect(working?.correlation_id).toBe('abc-123.4:5');
    // injectLambdaContext: the Lambda context is on the line too.
    expect(working?.function_request_id).toBe('lambda-req-1');
  });

  it.each([
    ['has a space', 'abc 123'],
    ['is longer than 128 characters', 'a'.repeat(129)],
    ['has a quote', 'a"b'],
    ['is empty', ''],
  ])('ignores an X-Correlation-Id that %s and uses API Gateway’s request id', async (_why, value) => {
    const res = await route(async () => 'ok')(event({ 'x-correlation-id': value }), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['x-correlation-id']).toBe('apigw-req-1');
  });

  it('takes the package’s Relief-Correlation-Id the insurer echoes on its webhook', async () => {
    const res = await route(async () => 'ok')(event({ 'relief-correlation-id': 'pkg-corr-1' }), context);
    expect(res.headers?.['x-correlation-id']).toBe('pkg-corr-1');
  });

  it('returns the header on a refusal too', async () => {
    const res = await route(async () => {
      throw new ConflictError('SOMETHING', 'no');
    })(event({ 'x-correlation-id': 'c-1' }), context);
    expect(res.statusCode).toBe(409);
    expect(res.headers?.['x-correlation-id']).toBe('c-1');
  });

  it('keeps concurrent requests apart', async () => {
    const slow = route(async () => new Promise((r) => setTimeout(() => r(currentCorrelationId()), 20)));
    const [a, b] = await Promise.all([
      slow(event({ 'x-correlation-id': 'first' }), context),
      slow(event({ 'x-correlation-id': 'second' }), context),
    ]);
    expect(JSON.parse(a.body as string).result).toBe('first');
    expect(JSON.parse(b.body as string).result).toBe('second');
  });
});

describe('business metrics (EMF)', () => {
  it('flushes an event counted by the route after the response, in namespace Relief with service and stage', async () => {
    await route(async () => countEvent(BusinessMetric.ApplicationsCreated))(event(), context);
    expect(metric('ApplicationsCreated')).toEqual([
      { namespace: 'Relief', dimensions: { service: 'relief', stage: 'local' }, value: 1 },
    ]);
  });

  it('publishes an event with an outcome under that dimension', async () => {
    await route(async () => countEvent(BusinessMetric.Decisions, { name: 'outcome', value: 'approve' }))(
      event(),
      context,
    );
    expect(metric('Decisions')).toEqual([
      {
        namespace: 'Relief',
        dimensions: { service: 'relief', stage: 'local', outcome: 'approve' },
        value: 1,
      },
    ]);
  });

  it('counts a quota refusal by its code, whichever route refused', async () => {
    const res = await route(async () => {
      throw new ConflictError('QUOTA_EXCEEDED', 'no');
    }, 'decideApplication')(event(), context);
    expect(res.statusCode).toBe(409);
    expect(metric('QuotaRefusals')).toEqual([
      {
        namespace: 'Relief',
        dimensions: { service: 'relief', stage: 'local', code: 'QUOTA_EXCEEDED' },
        value: 1,
      },
    ]);
  });

  it('counts the webhook’s refusals by reason, and no other route’s refusals', async () => {
    await route(async () => {
      throw new UnauthenticatedError('INVALID_SIGNATURE', 'no');
    }, 'insurerWebhook')(event(), context);
    await route(async () => {
      throw new UnauthenticatedError('INVALID_SIGNATURE', 'no');
    }, 'getApplication')(event(), context);
    expect(metric('WebhookRefusals')).toEqual([
      {
        namespace: 'Relief',
        dimensions: { service: 'relief', stage: 'local', reason: 'INVALID_SIGNATURE' },
        value: 1,
      },
    ]);
    expect(metric('QuotaRefusals')).toEqual([]);
  });

  it('writes no EMF document and no warning for a request that counted nothing', async () => {
    await route(async () => 'ok')(event(), context);
    expect(emf()).toEqual([]);
    expect(logs().filter((l) => l.level === 'WARN')).toEqual([]);
  });
});

describe('tasks', () => {
  it('continue the correlation id of their execution and flush their metrics', async () => {
    const handler = defineTask(async () => {
      countEvent(BusinessMetric.RedriveFailures, undefined, 2);
      logger.info('task ran');
      return currentCorrelationId();
    });
    expect(await handler({ execution: { correlationId: 'exec-corr' }, applicationId: 'A' }, context)).toBe(
      'exec-corr',
    );
    expect(logs().find((l) => l.message === 'task ran')?.correlation_id).toBe('exec-corr');
    expect(metric('RedriveFailures')).toEqual([
      { namespace: 'Relief', dimensions: { service: 'relief', stage: 'local' }, value: 2 },
    ]);
  });

  it('use their own request id without an execution, and flush metrics when they fail', async () => {
    const handler = defineTask(async () => {
      countEvent(BusinessMetric.RedriveFailures);
      throw new Error(`failed under ${currentCorrelationId()}`);
    });
    await expect(handler({}, context)).rejects.toThrow('failed under lambda-req-1');
    expect(metric('RedriveFailures')).toHaveLength(1);
  });
});

describe('the correlation id leaves the system', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:relief-test-approval';

  it('in the execution input of a workflow started during the request', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x` } as never);
    const workflow = new SfnWorkflow(new SFNClient({ region: 'eu-west-1' }), MACHINE);
    await withCorrelationId('req-corr', () =>
      workflow.start('APP-s1', { applicationId: 'APP', submissionSeq: 1, level: 0 }),
    );
    await workflow.start('APP-s2', { applicationId: 'APP', submissionSeq: 2, level: 0 });
    const inputs = sfn
      .commandCalls(StartExecutionCommand)
      .map((c) => JSON.parse(c.args[0].input.input ?? ''));
    expect(inputs).toEqual([
      { applicationId: 'APP', submissionSeq: 1, level: 0, correlationId: 'req-corr' },
      { applicationId: 'APP', submissionSeq: 2, level: 0 },
    ]);
  });

  it('as Relief-Correlation-Id on the package POST to the insurer', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 202 }));
    const insurer = new HttpInsurerClient('https://insurer.example/packages', async () =>
      'secret-'.repeat(6),
    );
    await withCorrelationId('pkg-corr', () => insurer.send({ packageId: 'P1' } as InsurerPackage));
    const headers = fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(headers['relief-correlation-id']).toBe('pkg-corr');
    expect(headers['relief-signature']).toMatch(/^t=/);
  });
});

describe('deferred work under the id it recorded', () => {
  it('logs and calls under an outbox item’s id, then gives the logger the sweep’s back', async () => {
    const inside = await withCorrelationId('sweep-9', async () => {
      const during = await underRecordedCorrelationId('req-late-1', async () => ({
        current: currentCorrelationId(),
        logged: logger.getCorrelationId(),
      }));
      return { during, after: { current: currentCorrelationId(), logged: logger.getCorrelationId() } };
    });
    expect(inside).toEqual({
      during: { current: 'req-late-1', logged: 'req-late-1' },
      after: { current: 'sweep-9', logged: 'sweep-9' },
    });
  });

  it('keeps the current id for an item without one, or with one no log query could carry', async () => {
    for (const recorded of [undefined, '', 'has spaces', 'x'.repeat(129)]) {
      const seen = await withCorrelationId('sweep-10', () =>
        underRecordedCorrelationId(recorded, async () => currentCorrelationId()),
      );
      expect(seen, String(recorded)).toBe('sweep-10');
    }
  });
});

describe('outbox gauges', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('report the depth and the age of the oldest waiting item', () => {
    expect(
      outboxGauges(
        [
          { createdAt: '2026-12-01T11:59:30Z' },
          { createdAt: '2026-12-01T11:50:00Z' },
          { createdAt: 'garbage' },
        ],
        now,
      ),
    ).toEqual({ depth: 3, oldestAgeSeconds: 600 });
  });
  it('report zero for an empty outbox, so the alarm sees data', () => {
    expect(outboxGauges([], now)).toEqual({ depth: 0, oldestAgeSeconds: 0 });
  });
});
