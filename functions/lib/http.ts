import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { Principal } from './auth.ts';
import {
  CORRELATION_HEADER,
  correlationIdOf,
  currentCorrelationId,
  PACKAGE_CORRELATION_HEADER,
  withCorrelationId,
} from './correlation.ts';
import {
  AppError,
  BadRequestError,
  ForbiddenError,
  PayloadTooLargeError,
  type ProblemItem,
  UnsupportedMediaTypeError,
} from './errors.ts';
import { withInvocationScope } from './invocation.ts';
import { logger } from './logger.ts';
import { countEvent, metrics, refusalMetricOf } from './metrics.ts';
import type { DeclaredRoute, RouteSpec } from './route-spec.ts';
import { INVALID_TEXT, isInvalidTextIssue } from './text-issue.ts';

export type { DeclaredRoute, HttpMethod, ResponseSpec, RouteSpec } from './route-spec.ts';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  headers: Record<string, string | undefined>;
  requestId: string;
  rawBody: string | undefined;
  /** The exact bytes of a `textBody` route's request body (undefined for every other route). */
  rawBytes?: Buffer;
  event: APIGatewayProxyEventV2;
  /** Milliseconds left before the function's timeout (Lambda's clock); long work stops in time with it. */
  remainingMs?: () => number;
}

export interface HttpResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Binary or non-JSON bodies (e.g. a .docx): sent as is, base64-encoded for API Gateway. */
  raw?: { contentType: string; data: Buffer | string };
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A route with its Lambda handler, as `defineRoute` builds it in the route's entry. */
export interface Route extends DeclaredRoute {
  handler: ApiHandler;
}

export interface Authenticator {
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const ANONYMOUS: Principal = { sub: 'anonymous', court: '', roles: [] };

export function problemResponse(
  status: number,
  title: string,
  code: string,
  detail: string,
  errors?: ProblemItem[],
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({
      type: `https://relief.court.example/problems/${code.toLowerCase().replaceAll('_', '-')}`,
      title,
      status,
      detail,
      code,
      ...(errors && errors.length > 0 ? { errors } : {}),
    }),
  };
}

const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
]);

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_NAMES.has(error.name)) return true;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return Array.isArray(reasons) && reasons.some((r) => r.Code === 'ThrottlingError');
}

/** Maps every error to problem+json. Client mistakes are 4xx with a stable code; nothing leaks internals. */
export function toProblem(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof AppError) {
    return problemResponse(error.status, error.title, error.code, error.message, error.errors, error.headers);
  }
  const named = error as { name?: string; code?: string; message?: string };
  if (named?.name === 'UnauthorizedError') {
    return problemResponse(
      401,
      'Unauthorized',
      named.code ?? 'UNAUTHORIZED',
      'A valid bearer token is required.',
      undefined,
      {
        'www-authenticate': 'Bearer',
      },
    );
  }
  if (isThrottling(error)) {
    return problemResponse(
      429,
      'Too Many Requests',
      'THROTTLED',
      'The service is busy; retry with backoff.',
      undefined,
      {
        'retry-after': '1',
      },
    );
  }
  logger.error('unhandled error', { requestId, errorName: named?.name, error: error as Error });
  return problemResponse(
    500,
    'Internal Server Error',
    'INTERNAL_ERROR',
    `An unexpected error occurred (request ${requestId}).`,
  );
}

function zodIssues(error: z.ZodError, prefix: string): ProblemItem[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: 'UNKNOWN_FIELD',
        path: base ? `${base}.${key}` : key,
        message: `Unknown field "${key}".`,
      }));
    }
    if (isInvalidTextIssue(issue)) return [{ code: INVALID_TEXT, path: base, message: issue.message }];
    // zod 4 does not keep the input on issues: a missing field reads "received undefined".
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const upper = issue.code.toUpperCase();
    const code = missing ? 'REQUIRED' : upper.startsWith('INVALID_') ? upper : `INVALID_${upper}`;
    return [{ code, path: base, message: issue.message }];
  });
}

function lowerCaseHeaders(event: APIGatewayProxyEventV2): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function decodeBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parsePart<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = zodIssues(result.error, where === 'body' ? '' : where);
    // Text with control characters, bidi overrides or lone surrogates is named as such, whatever else failed.
    if (errors.some((e) => e.code === INVALID_TEXT)) {
      throw new BadRequestError(
        INVALID_TEXT,
        `The request ${where} contains characters not allowed in text (control characters, bidirectional overrides or lone surrogates).`,
        { errors },
      );
    }
    throw new BadRequestError('VALIDATION_FAILED', `The request ${where} is invalid.`, { errors });
  }
  return result.data;
}

/** The bytes of a `textBody` route's body: required, within the size limit, of the declared media type. */
function textBodyOf(
  spec: RouteSpec,
  event: APIGatewayProxyEventV2,
  headers: Record<string, string | undefined>,
): Buffer {
  const declared = spec.textBody?.contentType as string;
  if (event.body === undefined || event.body === null || event.body === '')
    throw new BadRequestError('BODY_REQUIRED', `A ${declared} request body is required.`);
  const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > (spec.maxBodyBytes ?? DEFAULT_MAX_BODY)) {
    throw new PayloadTooLargeError(
      'PAYLOAD_TOO_LARGE',
      `The request body exceeds ${spec.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes.`,
    );
  }
  const base = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (base !== declared) {
    throw new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', `Send the body as ${declared}.`);
  }
  return bytes;
}

function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  const base = ct.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

function render(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...(response.headers ?? {}) };
  if (response.raw) {
    const data = typeof response.raw.data === 'string' ? Buffer.from(response.raw.data) : response.raw.data;
    return {
      statusCode: response.status,
      headers: { ...headers, 'content-type': response.raw.contentType },
      body: data.toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (response.body === undefined) return { statusCode: response.status, headers };
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(response.body),
  };
}

type Internal = Record<string, unknown>;

/** The authenticated principal of each in-flight event (keyed by the event object: safe under concurrency). */
const principals = new WeakMap<APIGatewayProxyEventV2, Principal>();

/**
 * Builds the Lambda handler for one route: error mapping first (so it sees everything), then
 * authentication, then request parsing with the route's zod schemas, then the use case.
 */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(
  spec: RouteSpec<B, Q, P>,
  authenticator: () => Authenticator,
  impl: (req: HttpRequest<Infer<B>, Infer<Q>, Infer<P>>) => Promise<HttpResponse>,
  hooks: {
    /** Checks the raw request before any parsing (e.g. a webhook signature over the exact bytes). */
    verify?: (req: {
      headers: Record<string, string | undefined>;
      rawBody: string | undefined;
    }) => Promise<void>;
  } = {},
): Route {
  const problems: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
    name: 'problem-json',
    onError: (request) => {
      request.response = toProblem(request.error, request.context.awsRequestId ?? 'unknown');
      if (request.error instanceof AppError) {
        const refusal = refusalMetricOf(spec.operationId, request.error.code);
        if (refusal) countEvent(refusal.name, refusal.dimension);
      }
    },
  };

  const authenticate: MiddlewareObj<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2,
    Error,
    Context,
    Internal
  > = {
    name: 'authenticate',
    before: async (request) => {
      if (spec.auth !== 'jwt') {
        principals.set(request.event, ANONYMOUS);
        return;
      }
      const header = request.event.headers?.authorization ?? request.event.headers?.Authorization;
      const principal = await authenticator().authenticate(header);
      if (spec.roles && !spec.roles.some((r) => principal.roles.includes(r))) {
        throw new ForbiddenError(
          'ROLE_FORBIDDEN',
          `This operation requires one of the roles: ${spec.roles.join(', ')}.`,
        );
      }
      principals.set(request.event, principal);
    },
  };

  // Powertools the way its examples use it: Lambda context on every log line (keys reset per
  // invocation), business metrics flushed after the response (also after a refusal, see `problems`).
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context, Internal>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(correlationOnLogs)
    .use(problems)
    .use(authenticate)
    .handler(async (event, context) => {
      const headers = lowerCaseHeaders(event);
      const rawBody = decodeBody(event);
      if (hooks.verify) {
        if (
          rawBody !== undefined &&
          Buffer.byteLength(rawBody, 'utf8') > (spec.maxBodyBytes ?? DEFAULT_MAX_BODY)
        ) {
          throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
        }
        await hooks.verify({ headers, rawBody });
      }
      let body: unknown;
      if (spec.body) {
        if (rawBody === undefined)
          throw new BadRequestError('BODY_REQUIRED', 'A JSON request body is required.');
        if (Buffer.byteLength(rawBody, 'utf8') > (spec.maxBodyBytes ?? DEFAULT_MAX_BODY)) {
          throw new PayloadTooLargeError(
            'PAYLOAD_TOO_LARGE',
            `The request body exceeds ${spec.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes.`,
          );
        }
        if (!isJsonContentType(headers['content-type'])) {
          throw new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
        }
        let json: unknown;
        try {
          json = JSON.parse(rawBody);
        } catch {
          throw new BadRequestError('MALFORMED_JSON', 'The request body is not valid JSON.');
        }
        body = parsePart(spec.body, json, 'body');
      }
      let rawBytes: Buffer | undefined;
      if (spec.textBody) rawBytes = textBodyOf(spec, event, headers);
      const query = spec.query
        ? parsePart(spec.query, event.queryStringParameters ?? {}, 'query')
        : undefined;
      const params = spec.params ? parsePart(spec.params, event.pathParameters ?? {}, 'path') : undefined;
      const response = await impl({
        body: body as Infer<B>,
        query: query as Infer<Q>,
        params: params as Infer<P>,
        principal: principals.get(event) ?? ANONYMOUS,
        headers,
        requestId: context.awsRequestId,
        rawBody,
        ...(rawBytes ? { rawBytes } : {}),
        event,
        remainingMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      });
      return render(response);
    });
  const correlated: ApiHandler = (event, context) => {
    const id = correlationIdOf(
      lowerCaseHeaders(event),
      CORRELATION_HEADERS,
      event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown',
    );
    return withCorrelationId(id, () =>
      withInvocationScope(async () => {
        const response = await (handler as unknown as ApiHandler)(event, context);
        return { ...response, headers: { ...(response.headers ?? {}), [CORRELATION_HEADER]: id } };
      }),
    );
  };
  return { spec: spec as RouteSpec, handler: correlated };
}

/**
 * Where a request's correlation id comes from: the caller's `X-Correlation-Id`, else the one the
 * insurer echoes on its webhook (`Relief-Correlation-Id`, the package's), else API Gateway's request id.
 */
const CORRELATION_HEADERS = [CORRELATION_HEADER, PACKAGE_CORRELATION_HEADER] as const;

/** After injectLambdaContext (which resets the keys): the correlation id on every line of the invocation. */
const correlationOnLogs: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
  name: 'correlation-id',
  before: () => {
    const id = currentCorrelationId();
    if (id) logger.setCorrelationId(id);
  },
};

/** The `Audit-Chain` response header of an audit trail: `valid`, or `broken; seq=N; reason=R`. */
export function auditChainHeader(
  verification: { valid: true } | { valid: false; brokenAtSeq: number; reason: string; documentId?: string },
): string {
  if (verification.valid) return 'valid';
  // A document's chain (or its anchor on the application's): seq is on that chain, the document named.
  const where = verification.documentId ? `; document=${verification.documentId}` : '';
  return `broken; seq=${verification.brokenAtSeq}; reason=${verification.reason}${where}`;
}

/** The authenticator of a route that verifies no court token (`auth: 'public'`): never called. */
export function noAuthenticator(): never {
  throw new Error('this route takes no court token');
}
