import type { Route } from '../../functions/lib/http.ts';
import { Api, type ApiResponse } from './api.ts';
import { InProcess } from './inprocess.ts';

/**
 * The benchmark client with the API Gateway hop taken out: a request whose path matches a deployed
 * route calls that route's Lambda handler in process (bench/lib/inprocess.ts, the same synthetic
 * payload-2.0 event the latency section uses); anything else (POST /dev/tokens, the local-only routes)
 * goes over HTTP as before. The flow helpers take it wherever they take an `Api`.
 */
export class InProcessApi extends Api {
  private readonly inproc: InProcess;
  private readonly templates: { method: string; template: string; re: RegExp; names: string[] }[];
  /** Requests served in process / over HTTP (a check that the hop really was taken out). */
  readonly served = { inProcess: 0, http: 0 };

  constructor(baseUrl: string, routes: readonly Route[]) {
    super(baseUrl);
    this.inproc = new InProcess(routes);
    this.templates = routes.map((r) => {
      const names: string[] = [];
      const re = new RegExp(
        `^${r.spec.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        })}$`,
      );
      return { method: r.spec.method, template: r.spec.path, re, names };
    });
  }

  override async request(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const [rawPath = path, search] = path.split('?', 2);
    for (const t of this.templates) {
      if (t.method !== method) continue;
      const m = t.re.exec(rawPath);
      if (!m) continue;
      const params: Record<string, string> = {};
      t.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string);
      });
      const query = search ? Object.fromEntries(new URLSearchParams(search)) : undefined;
      this.served.inProcess++;
      return this.inproc.invoke(method, t.template, {
        params,
        ...(opts.token ? { token: opts.token } : {}),
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        ...(opts.rawBody !== undefined ? { rawBody: opts.rawBody } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
        ...(query ? { query } : {}),
      });
    }
    this.served.http++;
    return super.request(method, path, opts);
  }
}
