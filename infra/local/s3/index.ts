import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createS3Front } from './front.ts';

/**
 * Local S3: s3rver (on an internal random port, never handed out) behind the strict front, which
 * re-verifies SigV4 (presigned and Authorization header), expiry, Content-Length, signed
 * Content-Type and checksums the way S3 does. Only the front's endpoint is exposed.
 */

export interface LocalS3Options {
  /** Persistent directory for buckets and objects; without it a temp dir is used and removed on close. */
  dataDir?: string;
  /** Interface of the front (default 127.0.0.1). */
  host?: string;
  /** Port of the front (default 0: a free port). */
  port?: number;
  /** The only credentials the front accepts. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The only signing region the front accepts. */
  region: string;
  /** Buckets created at start (kept if they exist). */
  buckets: string[];
  /** Largest accepted request body / object (default 64 MiB; bodies are buffered in memory). */
  maxObjectBytes?: number;
  /**
   * A CORS rule set on every bucket (S3 syntax: one `*` wildcard per origin), so that a browser may PUT
   * to a presigned URL, as the console does. Without it browsers get no CORS answer.
   */
  cors?: { allowedOrigins: string[]; allowedMethods: string[]; allowedHeaders: string[] };
}

/**
 * An object landed (PUT, POST, copy or completed multipart upload). `key` is always the decoded key
 * (`documents/身份证 1.pdf`), whereas real S3 notifications URL-encode it (`documents/%E8…+1.pdf`).
 */
export interface LocalObjectCreatedEvent {
  bucket: string;
  key: string;
  size: number;
  eTag?: string;
}

export interface LocalS3 {
  /** `http://127.0.0.1:PORT` of the front: give this (and the credentials) to S3 clients. */
  endpoint: string;
  /** Listeners run synchronously when s3rver stores the object, before the PUT is answered. Returns unsubscribe. */
  onObjectCreated(listener: (event: LocalObjectCreatedEvent) => void): () => void;
  /** Stops both servers, drops open connections, removes the temp dir if one was created. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

interface S3rverRecord {
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}
interface S3rverStore {
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: { Records: S3rverRecord[] }) => void): void;
  httpServer?: Server;
  /** Koa's middleware list (s3rver is a Koa application), composed when `run()` listens. */
  middleware: Array<{ name?: string }>;
  store: S3rverStore;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A bucket CORS configuration (PutBucketCors XML) with one rule. */
export function corsConfigurationXml(cors: NonNullable<LocalS3Options['cors']>): string {
  const tags = (name: string, values: string[]) =>
    values.map((v) => `<${name}>${xmlText(v)}</${name}>`).join('');
  return `<CORSConfiguration><CORSRule>${tags('AllowedOrigin', cors.allowedOrigins)}${tags(
    'AllowedMethod',
    cors.allowedMethods,
  )}${tags('AllowedHeader', cors.allowedHeaders)}<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const tempDir = options.dataDir === undefined ? mkdtempSync(path.join(tmpdir(), 'relief-s3-')) : undefined;
  const directory = options.dataDir ?? (tempDir as string);
  mkdirSync(directory, { recursive: true });

  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: false,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({
      name,
      ...(options.cors ? { configs: [corsConfigurationXml(options.cors)] } : {}),
    })),
  });

  withoutSilentLogger(s3rver);
  cacheBucketSubresources(s3rver.store);

  const listeners = new Set<(event: LocalObjectCreatedEvent) => void>();
  s3rver.on('event', (event) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      // s3rver reports the key as stored, i.e. already decoded: pass it on as is.
      const created: LocalObjectCreatedEvent = {
        bucket: record.s3.bucket.name,
        key: record.s3.object.key,
        size: record.s3.object.size ?? 0,
        ...(record.s3.object.eTag ? { eTag: record.s3.object.eTag } : {}),
      };
      for (const listener of [...listeners]) {
        try {
          listener(created);
        } catch (error) {
          process.emitWarning(`local S3 onObjectCreated listener threw: ${(error as Error).message}`);
        }
      }
    }
  });

  let front: ReturnType<typeof createS3Front> | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (front?.server.listening) await closeServer(front.server);
    front?.agent.destroy();
    if (s3rver.httpServer?.listening) await closeServer(s3rver.httpServer);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    const internal = await s3rver.run();
    front = createS3Front({
      credentials: options.credentials,
      region: options.region,
      maxObjectBytes,
      upstream: { host: '127.0.0.1', port: internal.port },
    });
    const server = front.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return {
      endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      onObjectCreated(listener) {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * s3rver's first middleware is koa-logger, which even with `silent` formats and colours two lines per
 * request, hands them to a silent winston transport, and pipes every streamed response body through a
 * byte counter for the line nobody sees. With `silent: true` it is removed (before `run()` composes the
 * middleware); nothing else reads what it computes.
 */
export function withoutSilentLogger(s3rver: Pick<S3rverInstance, 'middleware'>): void {
  const i = s3rver.middleware.findIndex((m) => m.name === 'logger');
  if (i === 0) s3rver.middleware.splice(i, 1);
}

/**
 * Every request to s3rver reads and parses the bucket's CORS and website configuration files from disk
 * (its cors and website middleware). They change only through this store, so each bucket's parsed
 * configuration is kept after the first read and forgotten when it is put or deleted, or the bucket is
 * created or removed. Object-level subresources (a key) are read from disk as before.
 */
export function cacheBucketSubresources(store: S3rverStore): void {
  const cache = new Map<string, Promise<unknown>>();
  const forgetBucket = (bucket: string) => {
    for (const k of cache.keys()) if (k.startsWith(`${bucket}\n`)) cache.delete(k);
  };
  const { getSubresource, putSubresource, deleteSubresource, putBucket, deleteBucket } = store;
  store.getSubresource = (bucket, key, type) => {
    if (key !== undefined) return getSubresource.call(store, bucket, key, type);
    const k = `${bucket}\n${type}`;
    let hit = cache.get(k);
    if (!hit) {
      hit = getSubresource.call(store, bucket, key, type);
      cache.set(k, hit);
      hit.catch(() => cache.delete(k));
    }
    return hit;
  };
  store.putSubresource = async (bucket, key, resource) => {
    if (key === undefined) cache.delete(`${bucket}\n${resource.type}`);
    try {
      return await putSubresource.call(store, bucket, key, resource);
    } finally {
      if (key === undefined) cache.delete(`${bucket}\n${resource.type}`);
    }
  };
  store.deleteSubresource = async (bucket, key, type) => {
    if (key === undefined) cache.delete(`${bucket}\n${type}`);
    try {
      return await deleteSubresource.call(store, bucket, key, type);
    } finally {
      if (key === undefined) cache.delete(`${bucket}\n${type}`);
    }
  };
  store.putBucket = async (bucket) => {
    try {
      return await putBucket.call(store, bucket);
    } finally {
      forgetBucket(bucket);
    }
  };
  store.deleteBucket = async (bucket) => {
    try {
      return await deleteBucket.call(store, bucket);
    } finally {
      forgetBucket(bucket);
    }
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
