import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheBucketSubresources,
  corsConfigurationXml,
  withoutSilentLogger,
} from '../../../infra/local/s3/index.ts';

/**
 * The local S3's two changes to s3rver's per-request work: the bucket's CORS/website configuration is
 * parsed once and forgotten when it changes, and the silent request logger is left out. Against
 * s3rver's own file store and application, so an s3rver that stores or logs differently fails here.
 */
const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
const { S3CorsConfiguration } = require('s3rver/lib/models/config.js');
const S3rver = require('s3rver');

type Store = Parameters<typeof cacheBucketSubresources>[0];
const cors = (origin: string) =>
  new S3CorsConfiguration(
    corsConfigurationXml({ allowedOrigins: [origin], allowedMethods: ['PUT'], allowedHeaders: ['*'] }),
  );
const allows = async (store: Store, origin: string) =>
  Boolean(
    (
      (await store.getSubresource('b', undefined, 'cors')) as {
        matchRule(o: string, m: string): unknown;
      } | null
    )?.matchRule(origin, 'PUT'),
  );

let dir: string;
let store: Store;
let reads: string[];
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-s3rver-store-'));
  store = new FilesystemStore(dir) as Store;
  reads = [];
  const original = store.getSubresource;
  store.getSubresource = (bucket, key, type) => {
    reads.push(`${bucket}/${key ?? ''}/${type}`);
    return original.call(store, bucket, key, type);
  };
  cacheBucketSubresources(store);
  await store.putBucket('b');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the local S3 keeps a bucket’s configuration between requests', () => {
  it('reads the bucket’s CORS configuration from disk once, not on every request', async () => {
    await store.putSubresource('b', undefined, cors('http://a.example'));
    expect(await allows(store, 'http://a.example')).toBe(true);
    expect(await allows(store, 'http://a.example')).toBe(true);
    expect(await store.getSubresource('b', undefined, 'website')).toBeNull();
    expect(await store.getSubresource('b', undefined, 'website')).toBeNull();
    expect(reads).toEqual(['b//cors', 'b//website']);
  });

  it('answers from the new configuration once it is put, deleted, or the bucket is re-created', async () => {
    await store.putSubresource('b', undefined, cors('http://a.example'));
    expect(await allows(store, 'http://a.example')).toBe(true);
    await store.putSubresource('b', undefined, cors('http://b.example'));
    expect(await allows(store, 'http://a.example')).toBe(false);
    expect(await allows(store, 'http://b.example')).toBe(true);
    await store.deleteSubresource('b', undefined, 'cors');
    expect(await store.getSubresource('b', undefined, 'cors')).toBeNull();
    await store.putSubresource('b', undefined, cors('http://c.example'));
    expect(await allows(store, 'http://c.example')).toBe(true);
    await store.deleteBucket('b');
    await store.putBucket('b');
    expect(await store.getSubresource('b', undefined, 'cors')).toBeNull();
  });

  it('reads an object’s own subresources from disk every time', async () => {
    await store.getSubresource('b', 'k.pdf', 'tagging');
    await store.getSubresource('b', 'k.pdf', 'tagging');
    expect(reads).toEqual(['b/k.pdf/tagging', 'b/k.pdf/tagging']);
  });
});

describe('the local S3 leaves out s3rver’s silent request logger', () => {
  it('removes koa-logger, s3rver’s first middleware, and nothing else', () => {
    const s3rver = new S3rver({ silent: true, directory: dir, port: 0 });
    const names = (s3rver.middleware as { name?: string }[]).map((m) => m.name);
    expect(names[0]).toBe('logger');
    withoutSilentLogger(s3rver);
    expect((s3rver.middleware as { name?: string }[]).map((m) => m.name)).toEqual(names.slice(1));
  });
});
