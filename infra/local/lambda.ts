import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Lambda's limit on a synchronous invocation's request and response payloads (6 MB). */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export interface LambdaHttpServer {
  /** `http://127.0.0.1:PORT`: LAMBDA_ENDPOINT of the thin invoke client (functions/adapters/lambda/). */
  endpoint: string;
  close(): Promise<void>;
}

export type InvokeHandler = (payload: unknown) => Promise<unknown>;

/**
 * The Lambda Invoke API, RequestResponse only, for the functions the routes call synchronously (the
 * document renderers): `POST /2015-03-31/functions/<name>/invocations` runs the named entry's handler in
 * this process, as the runner runs every other task. Faithful where it matters to the caller: the 6 MB
 * payload limit both ways (413 RequestTooLargeException; a too-large answer is a function error, as
 * Lambda reports it), a thrown error as 200 with `X-Amz-Function-Error: Unhandled` and
 * `{ errorType, errorMessage }`, an unknown function as 404 ResourceNotFoundException. A request must
 * carry a SigV4 Authorization header; the signature is not verified (loopback only).
 */
export async function startLambdaHttpServer(
  functions: (name: string) => InvokeHandler | undefined,
  options: { host?: string } = {},
): Promise<LambdaHttpServer> {
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const serviceError = (res: ServerResponse, status: number, type: string, message: string) =>
    send(res, status, { Type: 'User', message }, { 'x-amzn-errortype': type });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
      return serviceError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const match = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      return serviceError(
        res,
        404,
        'UnknownOperationException',
        `${req.method} ${req.url} is not an operation`,
      );
    }
    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (type !== 'RequestResponse') {
      return serviceError(
        res,
        400,
        'InvalidParameterValueException',
        `Invocation type ${type} is not served locally`,
      );
    }
    const name = decodeURIComponent(match[1] as string);
    const handler = functions(name);
    if (!handler) return serviceError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > SYNC_PAYLOAD_LIMIT_BYTES) {
        return serviceError(
          res,
          413,
          'RequestTooLargeException',
          `Request must be smaller than ${SYNC_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`,
        );
      }
      chunks.push(chunk as Buffer);
    }
    const unhandled = (errorType: string, errorMessage: string) =>
      send(res, 200, { errorType, errorMessage }, { 'x-amz-function-error': 'Unhandled' });
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = JSON.stringify((await handler(text === '' ? {} : JSON.parse(text))) ?? null);
      if (Buffer.byteLength(answer) > SYNC_PAYLOAD_LIMIT_BYTES) {
        return unhandled(
          'Function.ResponseSizeTooLarge',
          'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
        );
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
      res.end(answer);
    } catch (error) {
      unhandled((error as Error).name ?? 'Error', (error as Error).message ?? String(error));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) serviceError(res, 500, 'ServiceException', error.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
