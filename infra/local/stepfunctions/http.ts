import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepFunctionsError } from './errors.ts';
import type { ExecutionDescription, ExecutionStatus, LocalStepFunctions } from './service.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const STATUSES: ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export interface SfnHttpServer {
  /** `http://127.0.0.1:PORT`, for `new SFNClient({ endpoint })`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

/**
 * Serves `service` over the Step Functions API protocol (awsJson1_0: `POST /`, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`, JSON bodies, errors as `{"__type", "message"}` with status 400), so
 * code can use the real @aws-sdk/client-sfn with an endpoint override. Operations: StartExecution,
 * DescribeExecution, StopExecution, ListExecutions, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.
 *
 * A request must carry a SigV4 `Authorization` header (anonymous ones get 403), but the signature is
 * NOT verified: this is a local development endpoint; bind it to loopback only.
 */
export async function startSfnHttpServer(
  service: LocalStepFunctions,
  options: { host?: string; port?: number } = {},
): Promise<SfnHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const operations: Record<string, (body: Body) => Promise<Body>> = {
    StartExecution: async (body) => {
      const result = await service.startExecution({
        stateMachineArn: requiredString(body, 'stateMachineArn'),
        name: optionalString(body, 'name'),
        input: optionalString(body, 'input'),
      });
      return { executionArn: result.executionArn, startDate: epochSeconds(result.startDate) };
    },
    DescribeExecution: async (body) =>
      describeBody(await service.describeExecution(requiredString(body, 'executionArn'))),
    StopExecution: async (body) => {
      const { stopDate } = await service.stopExecution(requiredString(body, 'executionArn'), {
        error: optionalString(body, 'error'),
        cause: optionalString(body, 'cause'),
      });
      return { stopDate: epochSeconds(stopDate) };
    },
    ListExecutions: async (body) => {
      const statusFilter = optionalString(body, 'statusFilter');
      if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
        throw new StepFunctionsError(
          'ValidationException',
          `statusFilter must be one of ${STATUSES.join(', ')}`,
        );
      }
      const all = await service.listExecutions(requiredString(body, 'stateMachineArn'), {
        statusFilter: statusFilter as ExecutionStatus | undefined,
      });
      const maxResults = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
      const offset = decodeNextToken(optionalString(body, 'nextToken'));
      const page = all.slice(offset, offset + maxResults);
      return {
        executions: page.map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epochSeconds(e.startDate),
          ...(e.stopDate && { stopDate: epochSeconds(e.stopDate) }),
        })),
        ...(offset + maxResults < all.length && { nextToken: String(offset + maxResults) }),
      };
    },
    SendTaskSuccess: async (body) => {
      await service.sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
      return {};
    },
    SendTaskFailure: async (body) => {
      await service.sendTaskFailure(
        requiredString(body, 'taskToken'),
        optionalString(body, 'error'),
        optionalString(body, 'cause'),
      );
      return {};
    },
    SendTaskHeartbeat: async (body) => {
      await service.sendTaskHeartbeat(requiredString(body, 'taskToken'));
      return {};
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    try {
      const authorization = req.headers.authorization;
      if (!authorization)
        throw new HttpError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
        throw new HttpError(
          403,
          'IncompleteSignatureException',
          'Authorization must be an AWS Signature Version 4',
        );
      }
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
        throw new HttpError(404, 'UnknownOperationException', `${req.method} ${req.url} is not an operation`);
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const operationName = target.startsWith('AWSStepFunctions.')
        ? target.slice('AWSStepFunctions.'.length)
        : '';
      const operation = Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
      if (!operation)
        throw new HttpError(400, 'UnknownOperationException', `Unsupported X-Amz-Target: ${target}`);
      const body = await readJson(req);
      send(res, 200, await operation(body), requestId);
    } catch (error) {
      if (error instanceof HttpError) {
        send(res, error.status, { __type: error.type, message: error.message }, requestId, error.type);
      } else if (error instanceof StepFunctionsError) {
        send(res, 400, { __type: error.code, message: error.message }, requestId, error.code);
      } else {
        send(
          res,
          500,
          { __type: 'InternalFailure', message: (error as Error).message },
          requestId,
          'InternalFailure',
        );
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string, errorType?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'RequestEntityTooLargeException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'SerializationException', 'Request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, 'SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Body;
}

function requiredString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: '${field}' is required`,
    );
  }
  return value;
}

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new StepFunctionsError('ValidationException', `'${field}' must be a string`);
  }
  return value;
}

function decodeNextToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(token);
  if (!Number.isInteger(offset) || offset < 0)
    throw new StepFunctionsError('ValidationException', 'Invalid nextToken');
  return offset;
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function describeBody(d: ExecutionDescription): Body {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: epochSeconds(d.startDate),
    ...(d.stopDate && { stopDate: epochSeconds(d.stopDate) }),
    input: d.input,
    inputDetails: { included: true },
    ...(d.output !== undefined && { output: d.output, outputDetails: { included: true } }),
    ...(d.error !== undefined && { error: d.error }),
    ...(d.cause !== undefined && { cause: d.cause }),
  };
}
