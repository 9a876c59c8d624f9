import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, currentSession } from '../auth/session.ts';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Application = Schemas['Application'];
export type ApplicationStatus = Application['status'];
export type Court = Schemas['Court'];
export type Campaign = Schemas['Campaign'];
export type DocumentRecord = Schemas['Document'];
export type DocumentType = DocumentRecord['type'];
export type AuditEntry = Schemas['AuditEntry'];
export type CreateApplication = Schemas['CreateApplication'];

export interface ProblemItem {
  code: string;
  path: string;
  message: string;
  messageZh?: string;
}

/** An RFC 9457 problem from the API (or a failure to reach it), by its stable `code`. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: ProblemItem[] = [],
  ) {
    super(`${status} ${code}`);
  }

  static async fromResponse(response: Response, parsed?: unknown): Promise<ApiProblem> {
    let body = parsed;
    if (body === undefined) {
      try {
        body = await response.clone().json();
      } catch {
        body = undefined;
      }
    }
    if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') {
      const p = body as { code: string; detail?: unknown; errors?: unknown };
      const errors = Array.isArray(p.errors)
        ? p.errors.filter(
            (e): e is ProblemItem =>
              typeof e === 'object' && e !== null && typeof (e as ProblemItem).code === 'string',
          )
        : [];
      return new ApiProblem(response.status, p.code, typeof p.detail === 'string' ? p.detail : '', errors);
    }
    // Not problem+json (e.g. a gateway's own 5xx): a code per status class, never the raw body.
    const code =
      response.status === 503
        ? 'SERVICE_UNAVAILABLE'
        : response.status >= 500
          ? 'SERVER_ERROR'
          : 'UNEXPECTED_RESPONSE';
    return new ApiProblem(response.status, code, '');
  }
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session && !request.headers.has('authorization')) {
      request.headers.set('authorization', `Bearer ${session.token}`);
    }
    return request;
  },
  async onResponse({ request, response }) {
    // A token the API no longer accepts ends the session; the app then shows the sign-in page.
    if (
      response.status === 401 &&
      request.headers.get('authorization') === `Bearer ${currentSession()?.token}`
    ) {
      clearSession();
    }
    return response;
  },
};

let client: ReturnType<typeof createClient<paths>> | undefined;
let base = '';

export function initApi(apiUrl: string): void {
  base = apiUrl.replace(/\/$/, '');
  client = createClient<paths>({ baseUrl: base });
  client.use(sessionMiddleware);
}

export function api() {
  if (!client) throw new Error('initApi was not called');
  return client;
}

export function apiUrl(path: string): string {
  return `${base}${path}`;
}

/** The data of a successful call, or an ApiProblem (network failures included). */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw new ApiProblem(0, 'NETWORK_ERROR', '');
  }
  if (!result.response.ok || result.error !== undefined) {
    throw await ApiProblem.fromResponse(result.response, result.error);
  }
  return { data: result.data as T, response: result.response };
}

export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  return (await unwrap(call)).data;
}

/** A retry-safe key for one user action (the API's Idempotency-Key). */
export const newIdempotencyKey = () => `console-${crypto.randomUUID()}`;

/** POST /dev/tokens (local mode only; not in the OpenAPI document). */
export async function mintLocalToken(body: {
  sub: string;
  court: string;
  roles: string[];
  expiresInSeconds?: number;
}): Promise<string> {
  let response: Response;
  try {
    response = await fetch(apiUrl('/dev/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, 'NETWORK_ERROR', '');
  }
  if (response.status !== 201) throw await ApiProblem.fromResponse(response);
  return ((await response.json()) as { token: string }).token;
}
