import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest, type HttpResponse } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { backoffMs, sleep } from '../../lib/retry.ts';
import {
  type Credentials,
  RETRY_NETWORK_CODES,
  RETRY_STATUSES,
  readText,
  regionalHost,
} from '../signed-http.ts';

/**
 * A thin Lambda Invoke (RequestResponse): `POST /2015-03-31/functions/<name>/invocations`, signed with the
 * SDK's own SigV4 signer and sent with its Node HTTP handler — the building blocks the thin S3 client
 * (../s3/client.ts) uses, already in every bundle under the DynamoDB client — without @aws-sdk/client-lambda
 * and its schemas of every Lambda operation. One operation, one retry policy: network errors, throttling
 * and 5xx of the service are retried with jittered backoff; a function error is the function's answer.
 */

export interface LambdaInvokeOptions {
  region: string;
  /** Set for the local runner's endpoint (infra/local/lambda.ts). */
  endpoint?: string;
  credentials: () => Promise<Credentials>;
  /** Attempts per request (default 3, as the SDK's standard retry mode). */
  maxAttempts?: number;
}

/**
 * No answer from the function: `function` (it threw or timed out: X-Amz-Function-Error), `service`
 * (Lambda refused the call: throttled, not found, not allowed, payload too large), `network`.
 */
export class LambdaInvokeError extends Error {
  override name = 'LambdaInvokeError';
  constructor(
    message: string,
    readonly kind: 'function' | 'service' | 'network',
    readonly details: { status?: number; errorType?: string; requestId?: string } = {},
  ) {
    super(message);
  }
}

export const INVOKE_RETRY = { attempts: 3, baseMs: 100, capMs: 2_000 } as const;

export class LambdaHttp {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly http = new NodeHttpHandler();
  private readonly maxAttempts: number;

  constructor(options: LambdaInvokeOptions) {
    this.endpoint = new URL(options.endpoint ?? `https://${regionalHost('lambda', options.region)}`);
    this.maxAttempts = options.maxAttempts ?? INVOKE_RETRY.attempts;
    this.signer = new SignatureV4({
      credentials: options.credentials,
      region: options.region,
      service: 'lambda',
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  /** The request, unsigned (exported for the tests of its shape). */
  request(functionName: string, payload: string): HttpRequest {
    const port = this.endpoint.port ? Number(this.endpoint.port) : undefined;
    const host = port === undefined ? this.endpoint.hostname : `${this.endpoint.hostname}:${port}`;
    return new HttpRequest({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(port === undefined ? {} : { port }),
      path: `${this.endpoint.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: {
        host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
        'x-amz-invocation-type': 'RequestResponse',
      },
      body: payload,
    });
  }

  /** Invokes `functionName` with the JSON `payload` and returns the function's answer (JSON text). */
  async invoke(functionName: string, payload: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      let error: LambdaInvokeError;
      try {
        const signed = (await this.signer.sign(this.request(functionName, payload))) as HttpRequest;
        const { response } = await this.http.handle(signed);
        const text = await readText(response.body);
        const requestId = header(response, 'x-amzn-requestid');
        const functionError = header(response, 'x-amz-function-error');
        if (response.statusCode >= 200 && response.statusCode < 300 && !functionError) return text;
        if (functionError) {
          // The function ran and failed: its error is its answer, not retried here.
          throw new LambdaInvokeError(`${functionName} failed: ${errorSummary(text)}`, 'function', {
            status: response.statusCode,
            errorType: errorType(text) ?? functionError,
            ...(requestId ? { requestId } : {}),
          });
        }
        error = new LambdaInvokeError(
          `Invoke ${functionName}: ${response.statusCode} ${errorSummary(text)}`,
          'service',
          {
            status: response.statusCode,
            ...(header(response, 'x-amzn-errortype')
              ? { errorType: header(response, 'x-amzn-errortype') }
              : {}),
            ...(requestId ? { requestId } : {}),
          },
        );
      } catch (thrown) {
        if (thrown instanceof LambdaInvokeError) throw thrown;
        const code = (thrown as { code?: unknown }).code;
        error = new LambdaInvokeError(`Invoke ${functionName}: ${(thrown as Error).message}`, 'network', {
          ...(typeof code === 'string' ? { errorType: code } : {}),
        });
      }
      if (attempt >= this.maxAttempts || !retryable(error)) throw error;
      await sleep(backoffMs(attempt - 1, INVOKE_RETRY));
    }
  }

  /** Closes kept-alive sockets (tests; Lambda keeps them for the next invocation). */
  destroy(): void {
    this.http.destroy();
  }
}

function retryable(error: LambdaInvokeError): boolean {
  if (error.kind === 'service') return RETRY_STATUSES.has(error.details.status ?? 0);
  return (
    error.kind === 'network' &&
    (RETRY_NETWORK_CODES.has(error.details.errorType ?? '') || !error.details.errorType)
  );
}

function header(response: HttpResponse, name: string): string | undefined {
  const found = Object.entries(response.headers).find(([k]) => k.toLowerCase() === name);
  return typeof found?.[1] === 'string' ? found[1] : undefined;
}

function errorType(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; Type?: unknown };
    const type = parsed.errorType ?? parsed.Type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/** The error's type and message, short: for the log line, never for the client. */
function errorSummary(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown; message?: unknown };
    return [parsed.errorType, parsed.errorMessage ?? parsed.message]
      .filter((v) => typeof v === 'string')
      .join(': ')
      .slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}
