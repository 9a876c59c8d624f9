import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LambdaHttp } from '../../../functions/adapters/lambda/invoke.ts';
import { LambdaRenderer } from '../../../functions/adapters/lambda/renderer.ts';
import { RenderUnavailableError } from '../../../functions/lib/errors.ts';
import { toProblem } from '../../../functions/lib/http.ts';
import { defineRenderer, modelOf } from '../../../functions/lib/render-payload.ts';
import type { RenderModels } from '../../../functions/ports/renderer.ts';
import { type LambdaHttpServer, startLambdaHttpServer } from '../../../infra/local/lambda.ts';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  sessionToken: 'token',
});
const report = { campaignId: 'demo' } as unknown as RenderModels['renderReportXlsx'];

/** A renderer that answers the model back as the file, or throws when the model asks it to. */
const echo = defineRenderer<{ campaignId: string; fail?: boolean }>(async (model) => {
  if (model.fail) throw new RangeError('renderReportXlsx: no such column');
  return Buffer.from(`file of ${model.campaignId}`);
});

describe('LambdaRenderer over the thin Invoke, against the local Lambda endpoint', () => {
  let lambda: LambdaHttpServer;
  const calls: { name: string; payload: unknown }[] = [];
  beforeAll(async () => {
    lambda = await startLambdaHttpServer((name) =>
      name === 'relief-render-report-xlsx'
        ? async (payload) => {
            calls.push({ name, payload });
            return echo(payload);
          }
        : name === 'relief-answers-nonsense'
          ? async () => ({ nothing: true })
          : undefined,
    );
  });
  afterAll(() => lambda.close());
  afterEach(() => {
    calls.length = 0;
  });
  const renderer = (functionName: string) =>
    new LambdaRenderer(
      new LambdaHttp({ region: 'cn-northwest-1', endpoint: lambda.endpoint, credentials }),
      'renderReportXlsx',
      functionName,
    );

  it('sends the model (gzipped JSON) to the named function and returns the file it answers', async () => {
    const file = await renderer('relief-render-report-xlsx').render(report);
    expect(file.toString()).toBe('file of demo');
    expect(calls).toHaveLength(1);
    expect(modelOf(calls[0]?.payload)).toEqual(report);
  });

  const refuses = async (functionName: string, model: unknown = report) => {
    const error = await renderer(functionName)
      .render(model as typeof report)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderUnavailableError);
    const problem = toProblem(error, 'req-1');
    expect(problem.statusCode).toBe(503);
    expect(problem.headers?.['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem.headers?.['retry-after']).toBe('5');
    const body = JSON.parse(problem.body as string);
    expect(body.code).toBe('RENDER_UNAVAILABLE');
    // Nothing of the cause reaches the client.
    expect(problem.body).not.toMatch(/no such column|relief-|ResourceNotFound|RangeError/);
    return body;
  };

  it('answers 503 RENDER_UNAVAILABLE when the renderer throws, without retrying it', async () => {
    await refuses('relief-render-report-xlsx', { campaignId: 'demo', fail: true });
    expect(calls).toHaveLength(1);
  });

  it('answers 503 RENDER_UNAVAILABLE for an unknown function (Lambda 404) and for an answer without a file', async () => {
    await refuses('relief-no-such-function');
    await refuses('relief-answers-nonsense');
  });

  it('answers 503 RENDER_UNAVAILABLE when nothing listens (network)', async () => {
    const closed = await startLambdaHttpServer(() => undefined);
    await closed.close();
    const error = await new LambdaRenderer(
      new LambdaHttp({ region: 'cn-northwest-1', endpoint: closed.endpoint, credentials, maxAttempts: 2 }),
      'renderReportXlsx',
      'relief-render-report-xlsx',
    )
      .render(report)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderUnavailableError);
  });
});

describe('LambdaHttp: the request Lambda receives', () => {
  let server: Server;
  let endpoint: string;
  const seen: { req: IncomingMessage; body: string }[] = [];
  let answers: { status: number; headers?: Record<string, string>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ req, body });
        const next = answers.shift() ?? { status: 200, body: '{}' };
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => {
    seen.length = 0;
    answers = [];
  });

  it('POSTs a SigV4-signed RequestResponse invoke of the function, the payload as the body', async () => {
    const http = new LambdaHttp({ region: 'cn-northwest-1', endpoint, credentials });
    answers = [{ status: 200, body: '{"file":"eA=="}' }];
    expect(await http.invoke('relief-test-RenderReportXlsx', '{"model":"x"}')).toBe('{"file":"eA=="}');
    const [{ req, body } = { req: undefined, body: '' }] = seen;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/2015-03-31/functions/relief-test-RenderReportXlsx/invocations');
    expect(req?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(req?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-northwest-1\/lambda\/aws4_request, SignedHeaders=/,
    );
    expect(req?.headers['x-amz-security-token']).toBe('token');
    expect(body).toBe('{"model":"x"}');
    http.destroy();
  });

  it('retries throttling and 5xx of the service, not a function error', async () => {
    const http = new LambdaHttp({ region: 'cn-northwest-1', endpoint, credentials });
    answers = [
      {
        status: 429,
        headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
        body: '{"message":"Rate exceeded"}',
      },
      { status: 200, body: '{"file":"eA=="}' },
    ];
    expect(await http.invoke('f', '{}')).toBe('{"file":"eA=="}');
    expect(seen).toHaveLength(2);
    seen.length = 0;
    answers = [
      {
        status: 503,
        headers: { 'x-amzn-errortype': 'ServiceException' },
        body: '{"message":"Service unavailable"}',
      },
      { status: 200, body: '{"file":"eA=="}' },
    ];
    expect(await http.invoke('f', '{}')).toBe('{"file":"eA=="}');
    expect(seen).toHaveLength(2);
    seen.length = 0;
    answers = [
      {
        status: 200,
        headers: { 'x-amz-function-error': 'Unhandled' },
        body: '{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 8.00 seconds"}',
      },
    ];
    await expect(http.invoke('f', '{}')).rejects.toMatchObject({
      kind: 'function',
      details: { errorType: 'Sandbox.Timedout' },
    });
    expect(seen).toHaveLength(1);
    http.destroy();
  });

  it('resolves the regional endpoint, .amazonaws.com.cn in the China regions', () => {
    expect(new LambdaHttp({ region: 'cn-northwest-1', credentials }).request('f', '{}').hostname).toBe(
      'lambda.cn-northwest-1.amazonaws.com.cn',
    );
    expect(new LambdaHttp({ region: 'us-east-1', credentials }).request('f', '{}').hostname).toBe(
      'lambda.us-east-1.amazonaws.com',
    );
  });
});
