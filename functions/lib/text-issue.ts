import type * as z from 'zod';

/**
 * How a text refusal looks on a zod issue (lib/text.ts builds the checks): here, without zod at run
 * time, so that the HTTP layer (lib/http.ts) recognises it without bundling zod into routes that
 * validate nothing.
 */
export const INVALID_TEXT = 'INVALID_TEXT';

/** True when the zod issue is a text refusal (INVALID_TEXT). */
export function isInvalidTextIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as { code?: unknown } | undefined)?.code === INVALID_TEXT;
}
