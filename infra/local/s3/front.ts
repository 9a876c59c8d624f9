import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { errorXml, newRequestId, S3FrontError, sendError } from './errors.ts';
import { verifyBody } from './integrity.ts';
import { NativeSha256 } from './native-sha256.ts';
import { AUTH_QUERY_PARAMS, parseQuery, type SigV4Credentials, SigV4Verifier } from './sigv4.ts';

/**
 * The strict HTTP front before s3rver. s3rver checks no SigV4 signature, expiry, length, type or
 * checksum; the front does, the way S3 does, and only then forwards the request. Per request:
 *   1. authenticate (presigned query or Authorization header) — before reading any body;
 *   2. refuse aws-chunked payloads (501) and bodies over maxObjectBytes (400 EntityTooLarge);
 *   3. buffer the body (bounded) and check Content-Length, x-amz-content-sha256, Content-MD5 and
 *      x-amz-checksum-*;
 *   4. forward method, path, query (minus the auth parameters) and headers (minus the client's
 *      auth) to s3rver, authenticated with s3rver's built-in key so response-* overrides work, and
 *      stream the answer back;
 *   5. keep a verified x-amz-checksum-sha256 with the object and return it on HEAD/GET with
 *      `x-amz-checksum-mode: ENABLED`, as S3 does (a later PUT without one leaves none).
 * CORS preflights (OPTIONS with Origin and Access-Control-Request-Method) are unauthenticated, as on
 * S3: they go straight to s3rver, which answers from the bucket's CORS configuration.
 * A rejected request never reaches s3rver: no object, no ObjectCreated event.
 */

export interface S3FrontOptions {
  credentials: SigV4Credentials;
  region: string;
  maxObjectBytes: number;
  upstream: { host: string; port: number };
  now?: () => Date;
}

/** Bodies of non-object requests (XML configuration, multi-delete) may exceed the object limit slightly. */
const BODY_SLACK_BYTES = 64 * 1024;
/** s3rver's built-in account; it accepts any V4 signature made with this key id. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const DROP_REQUEST_HEADERS = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'expect',
  'te',
  'upgrade',
  'content-length',
]);
const DROP_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);
/**
 * s3rver keeps no checksums. S3 stores the x-amz-checksum-sha256 it verified on a PUT and returns it
 * on HEAD/GET with `x-amz-checksum-mode: ENABLED`; the front does the same by keeping the verified
 * value as this metadata entry, which clients can neither set nor see.
 */
const STORED_CHECKSUM_META = 'x-amz-meta-relief-local-checksum-sha256';

export function createS3Front(options: S3FrontOptions): { server: http.Server; agent: http.Agent } {
  const verifier = new SigV4Verifier(options.credentials, options.region);
  const upstreamSigner = new SignatureV4({
    credentials: S3RVER_CREDENTIALS,
    region: options.region,
    service: 's3',
    sha256: NativeSha256,
    uriEscapePath: false,
  });
  const agent = new http.Agent({ keepAlive: true });
  const now = options.now ?? (() => new Date());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (!url.startsWith('/')) throw new S3FrontError(400, 'InvalidURI', "Couldn't parse the specified URI.");
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));

    if (method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
      // A CORS preflight carries no credentials (browsers never sign it); S3 answers it from the
      // bucket's CORS configuration, and so does s3rver behind us.
      await forward(req, res, {
        method,
        rawPath,
        query: query.filter((p) => !AUTH_QUERY_PARAMS.has(p.name.toLowerCase())),
        body: Buffer.alloc(0),
        echo: {},
        returnChecksum: false,
      });
      return;
    }

    const auth = await verifier.authenticate({ method, rawPath, query, headers: req.headers }, now());

    const encoding = String(req.headers['content-encoding'] ?? '');
    if (auth.payloadHash.startsWith('STREAMING-') || /aws-chunked/i.test(encoding)) {
      throw new S3FrontError(
        501,
        'NotImplemented',
        `The local S3 front does not accept aws-chunked payloads (${auth.payloadHash}); create the S3 client with requestChecksumCalculation: 'WHEN_REQUIRED' and send a body of known length.`,
      );
    }
    const declared = req.headers['content-length'];
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      throw new S3FrontError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    const declaredBytes = declared === undefined ? 0 : Number(declared);
    const isObjectWrite = method === 'PUT' && /^\/[^/]+\/./.test(rawPath);
    if (declaredBytes > options.maxObjectBytes + (isObjectWrite ? 0 : BODY_SLACK_BYTES)) {
      throw entityTooLarge(declaredBytes, options.maxObjectBytes);
    }

    const body = await readBody(req, options.maxObjectBytes + BODY_SLACK_BYTES);
    const echo = verifyBody(body, req.headers, auth.payloadHash);
    const checksum = echo['x-amz-checksum-sha256'];
    await forward(req, res, {
      method,
      rawPath,
      query: query.filter((p) => !AUTH_QUERY_PARAMS.has(p.name.toLowerCase())),
      body,
      echo,
      ...(isObjectWrite && checksum ? { storeChecksum: checksum } : {}),
      returnChecksum:
        (method === 'GET' || method === 'HEAD') &&
        String(req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED' &&
        req.headers.range === undefined,
    });
  }

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    r: {
      method: string;
      rawPath: string;
      query: { name: string; value: string; raw: string }[];
      body: Buffer;
      echo: Record<string, string>;
      storeChecksum?: string;
      returnChecksum: boolean;
    },
  ): Promise<void> {
    const host = `${options.upstream.host}:${options.upstream.port}`;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (
        value !== undefined &&
        !DROP_REQUEST_HEADERS.has(name) &&
        !name.startsWith('proxy-') &&
        name !== STORED_CHECKSUM_META
      )
        headers[name] = value;
    }
    if (r.storeChecksum) headers[STORED_CHECKSUM_META] = r.storeChecksum;
    if (r.body.length > 0 || req.headers['content-length'] !== undefined)
      headers['content-length'] = r.body.length;
    // The front has verified the client's signature; s3rver (internal, never handed out) treats an
    // unsigned request as the anonymous user and needs an account only for response-header overrides
    // (`response-content-type`…), so only those are re-signed: signing every request cost CPU for nothing.
    if (r.query.some((p) => p.name.toLowerCase().startsWith('response-'))) {
      const queryRecord: Record<string, string | string[]> = {};
      for (const { name, value } of r.query) {
        const existing = queryRecord[name];
        queryRecord[name] =
          existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      const signed = await upstreamSigner.sign(
        new HttpRequest({
          method: r.method,
          protocol: 'http:',
          hostname: options.upstream.host,
          port: options.upstream.port,
          path: r.rawPath,
          query: queryRecord,
          headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        }),
      );
      Object.assign(headers, signed.headers);
    }

    const path = r.query.length > 0 ? `${r.rawPath}?${r.query.map((p) => p.raw).join('&')}` : r.rawPath;
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = http.request(
        { host: options.upstream.host, port: options.upstream.port, method: r.method, path, headers, agent },
        resolve,
      );
      out.on('error', reject);
      out.end(r.body);
    });
    const responseHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !DROP_RESPONSE_HEADERS.has(name) && name !== STORED_CHECKSUM_META)
        responseHeaders[name] = value;
    }
    const status = upstream.statusCode ?? 502;
    if (status >= 200 && status < 300) Object.assign(responseHeaders, r.echo);
    const stored = upstream.headers[STORED_CHECKSUM_META];
    if (status === 200 && r.returnChecksum && typeof stored === 'string') {
      responseHeaders['x-amz-checksum-sha256'] = stored;
      responseHeaders['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    res.writeHead(status, responseHeaders);
    await pipeline(upstream, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.destroyed || req.socket.destroyed) return;
      const s3Error =
        error instanceof S3FrontError
          ? error
          : new S3FrontError(
              500,
              'InternalError',
              `We encountered an internal error: ${(error as Error).message}`,
            );
      sendError(res, req.method, s3Error);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const incomplete = error.code === 'HPE_INVALID_EOF_STATE';
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight && !inFlight.writableEnded) {
      // A request on this connection is still being handled: let it answer, then close. If the client
      // stopped sending before Content-Length bytes arrived, that request fails with IncompleteBody.
      if (!inFlight.headersSent) inFlight.setHeader('connection', 'close');
      inFlight.once('finish', () => socket.end());
      if (incomplete) incompleteBodies.get(socket)?.();
      return;
    }
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const s3Error = incomplete
      ? incompleteBody()
      : new S3FrontError(400, 'InvalidRequest', `Malformed HTTP request (${error.code ?? 'parse error'}).`);
    const body = errorXml(s3Error, newRequestId());
    socket.end(
      `HTTP/1.1 ${s3Error.status} Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return { server, agent };
}

/** Per connection: fails the body being read when the client ends the connection too early. */
const incompleteBodies = new WeakMap<Duplex, () => void>();

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const settle = (error?: S3FrontError) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      incompleteBodies.delete(req.socket);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, total));
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settle(entityTooLarge(total, limit));
        req.destroy(); // abort: no point in receiving the rest
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = () => settle(incompleteBody());
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onError);
    incompleteBodies.set(req.socket, () => settle(incompleteBody()));
  });
}

function incompleteBody(): S3FrontError {
  return new S3FrontError(
    400,
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  );
}

function entityTooLarge(proposed: number, max: number): S3FrontError {
  return new S3FrontError(
    400,
    'EntityTooLarge',
    'Your proposed upload exceeds the maximum allowed object size.',
    {
      ProposedSize: String(proposed),
      MaxSizeAllowed: String(max),
    },
  );
}
