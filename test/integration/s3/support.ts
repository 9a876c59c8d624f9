import { createHash } from 'node:crypto';
import net from 'node:net';

export const LOCAL_CREDENTIALS = { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' };
export const REGION = 'us-east-1';

export const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** A PDF-looking body of `size` bytes whose content depends on `seed`. */
export function pdfBytes(size: number, seed = 'relief'): Buffer {
  const out = Buffer.alloc(size);
  const header = Buffer.from('%PDF-1.7\n');
  header.copy(out, 0, 0, Math.min(size, header.length));
  for (let i = header.length; i < size; i++) out[i] = (seed.charCodeAt(i % seed.length) + i) % 256;
  return out;
}

/** The `<Code>` of an S3 XML error body. */
export const errorCode = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

export interface RawResponse {
  /** undefined when the connection closed without any HTTP response. */
  status: number | undefined;
  body: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a plain socket, so a test can send a Content-Length
 * that differs from the body (fetch refuses to). With `halfClose` the client then stops sending.
 */
export function rawRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Buffer; halfClose?: boolean },
): Promise<RawResponse> {
  const target = new URL(url);
  const head = [
    `${init.method} ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    ...Object.entries(init.headers).map(([name, value]) => `${name}: ${value}`),
    'connection: close',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish();
      else reject(error);
    });
    socket.on('close', finish);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      resolve(parseFirstResponse(Buffer.concat(chunks)));
    }
    socket.write(head);
    if (init.body) socket.write(init.body);
    if (init.halfClose) socket.end();
  });
}

function parseFirstResponse(data: Buffer): RawResponse {
  const text = data.toString('utf8');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
  if (!status) return { status: undefined, body: '' };
  const headerEnd = text.indexOf('\r\n\r\n');
  const head = text.slice(0, headerEnd);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  const rest = text.slice(headerEnd + 4);
  return { status: Number(status), body: length === undefined ? rest : rest.slice(0, Number(length)) };
}

/** Resolves true when nothing accepts TCP connections on the port any more. */
export function isRefused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
