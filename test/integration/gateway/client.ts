import { request } from 'node:http';

/** Exact-wire HTTP/1.1 client for the gateway tests: duplicate header lines, raw paths, binary bodies. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: () => unknown;
}

export function send(
  baseUrl: string,
  method: string,
  path: string,
  opts: { headers?: [string, string][]; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers = [...(opts.headers ?? [])];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  // Raw header arrays bypass Node's defaults: add Host (required by the server) and the body length.
  if (!has('host')) headers.unshift(['Host', url.host]);
  if (opts.body !== undefined && !has('content-length') && !has('transfer-encoding')) {
    headers.push(['Content-Length', String(Buffer.byteLength(opts.body))]);
  }
  const rawHeaders = headers.flat();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: rawHeaders, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
