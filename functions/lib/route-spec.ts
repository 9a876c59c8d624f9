import type * as z from 'zod';
import type { Access } from './access.ts';
import type { Role } from './auth.ts';

/**
 * What a route is, as pure data (zod schemas included): read by the Lambda entry that serves it
 * (functions/entries/http/), the OpenAPI generator, CDK (one function per spec, its grants from
 * `access`), the local runner and the matrix and fuzz tests. No handler code, no client, no adapter.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  status: number;
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteSpec<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
> {
  operationId: string;
  method: HttpMethod;
  path: string;
  summary: string;
  tags: string[];
  /** `public`: no token; `jwt`: a court token; `local-only`: exists only in the local runner. */
  auth: 'public' | 'jwt' | 'local-only';
  /** Roles allowed at all; a principal with none of them gets 403 before anything is read. */
  roles?: readonly Role[];
  body?: B;
  /**
   * A non-JSON request body (e.g. an insurer's statement as `text/csv`), handed to the use case as
   * bytes (`rawBytes`): the route decodes nothing, so a GBK file survives. Not together with `body`.
   */
  textBody?: { contentType: string; description: string; example?: string };
  query?: Q;
  params?: P;
  headers?: { name: string; required: boolean; description: string }[];
  responses: ResponseSpec[];
  maxBodyBytes?: number;
  /** The resources the route's function may touch (lib/access.ts): its IAM grants and configuration. */
  access: Access;
  /**
   * The function's timeout when a route needs more than the default 10 s (at most 29: API Gateway's HTTP
   * API answers 503 after 30 s whatever the function does).
   */
  timeoutSeconds?: number;
  /** Declared with `idempotent()` (functions/http/idempotency.ts): takes an Idempotency-Key. */
  idempotent?: true;
}

/** A route as the route table lists it: its spec. The handler is its entry's (functions/entries/http/). */
export interface DeclaredRoute {
  spec: RouteSpec;
}

/** Types a spec literal (keeping its schemas' types for the entry); returns it unchanged. */
export function defineSpec<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<B, Q, P>): RouteSpec<B, Q, P> {
  return spec;
}

/** The Lambda entry module of a route, relative to the repository root (one per operationId). */
export function routeEntryPath(operationId: string): string {
  return `functions/entries/http/${kebab(operationId)}.ts`;
}

/** `getApplicationAudit` → `get-application-audit`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
