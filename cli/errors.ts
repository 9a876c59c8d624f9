/**
 * The CLI's errors and its exit codes: 0 ok · 1 the server or the network failed · 2 usage or input
 * error (nothing was sent, or nothing more after the check that failed) · 3 the audit trail diverges.
 */

export const EXIT_OK = 0;
export const EXIT_SERVER = 1;
export const EXIT_INPUT = 2;
/** `relief audit`: the audit trail diverges from its signed checkpoints (or a chain could not be sealed). */
export const EXIT_DIVERGENCE = 3;

/** A bad command line: unknown option, missing token, bad --batch, unwritable --out, … (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT_INPUT;
}

/** One problem in an input file, at a 1-based line of that file. */
export interface InputIssue {
  line: number;
  /** The column at fault, when there is one. */
  column?: string;
  message: string;
  messageZh: string;
}

/** An input file that failed local validation (exit 2). Carries every issue found, in line order. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = EXIT_INPUT;
  constructor(
    readonly file: string,
    readonly issues: InputIssue[],
  ) {
    super(`${file}: ${issues.length} invalid ${issues.length === 1 ? 'entry' : 'entries'}`);
  }
}

/** An RFC 9457 problem as the API returns it (any field may be missing from a non-conforming server). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { code?: string; path?: string; message?: string; messageZh?: string }[];
}

/** The API answered with an error status (exit 1). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly exitCode = EXIT_SERVER;
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly problem: Problem | undefined,
    /** The start of a body that was not problem+json, for the message. */
    readonly bodyText = '',
  ) {
    super(
      `${method} ${url}: HTTP ${status}${problem?.code ? ` ${problem.code}` : ''}${problem?.title ? ` (${problem.title})` : ''}`,
    );
  }
}

/** The API could not be reached, timed out, or answered something that breaks the contract (exit 1). */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly exitCode = EXIT_SERVER;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof InputError) return EXIT_INPUT;
  return EXIT_SERVER;
}
