/**
 * Typed errors (style §5). Use cases throw these; one error middleware maps them to
 * RFC 9457 problem+json. `code` is the stable identifier clients branch on.
 */
export interface ProblemItem {
  code: string;
  path: string;
  message: string;
  messageZh?: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly code: string;
  readonly errors: ProblemItem[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: string,
    detail: string,
    opts: { errors?: ProblemItem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = new.target.name;
    this.code = code;
    this.errors = opts.errors;
    this.headers = opts.headers;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly title = 'Bad Request';
}

export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly title = 'Unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** Unknown, or outside the caller's jurisdiction: never reveal which. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly title = 'Not Found';
  constructor(detail = 'The resource does not exist or is outside your jurisdiction.') {
    super('NOT_FOUND', detail);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly title = 'Payload Too Large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Content';
}

export class PreconditionRequiredError extends AppError {
  readonly status = 428;
  readonly title = 'Precondition Required';
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
}

/**
 * The document renderer (a function of its own: functions/tasks/render-specs.ts) did not answer with the
 * file: it failed, timed out or could not be invoked. Nothing was changed; the client may ask again.
 */
export class RenderUnavailableError extends ServiceUnavailableError {
  constructor(detail = 'The document could not be rendered just now; nothing was changed. Retry shortly.') {
    super('RENDER_UNAVAILABLE', detail, { headers: { 'retry-after': '5' } });
  }
}

/**
 * A write kept losing the optimistic-concurrency race after its bounded, jittered retries: nothing was
 * written, and the client may retry (409 with Retry-After, never a 500). Adapters throw it when their
 * retry loop runs out, so it is mapped in one place: here.
 */
export class ConcurrentUpdateError extends ConflictError {
  constructor(detail = 'The resource is being changed concurrently; nothing was written. Retry shortly.') {
    super('CONCURRENT_UPDATE', detail, { headers: { 'retry-after': '1' } });
  }
}
