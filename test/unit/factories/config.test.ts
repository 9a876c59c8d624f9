import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConfigError, once, readEnv, required } from '../../../functions/lib/config.ts';

/**
 * Each client factory parses the variables it needs, and only those, on first use: a missing one fails
 * there, named, instead of a fallback value or an undefined deep inside an adapter.
 */

const VARIABLES = [
  'AWS_REGION',
  'TABLE_NAME',
  'DOCUMENTS_BUCKET',
  'STATE_MACHINE_ARN',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWKS_URL',
  'JWKS_JSON',
  'INSURER_ENDPOINT',
  'DYNAMODB_ENDPOINT',
  'S3_ENDPOINT',
  'SFN_ENDPOINT',
];
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) delete process.env[name];
  process.env.AWS_REGION = 'cn-northwest-1';
  vi.resetModules();
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('readEnv', () => {
  it('names every missing or malformed variable', () => {
    const schema = z.object({ A: required(), B: z.url(), C: required() });
    expect(() => readEnv(schema, { C: '' })).toThrow(ConfigError);
    expect(() => readEnv(schema, { C: '' })).toThrow(/A: is not set; B: .*; C: is empty/);
    expect(readEnv(schema, { A: 'a', B: 'https://x.example', C: 'c' })).toEqual({
      A: 'a',
      B: 'https://x.example',
      C: 'c',
    });
  });

  it('once() builds on first call and keeps nothing from a failed build', () => {
    let calls = 0;
    const get = once(() => {
      calls++;
      if (calls === 1) throw new Error('first');
      return { n: calls };
    });
    expect(() => get()).toThrow('first');
    expect(get()).toEqual({ n: 2 });
    expect(get()).toBe(get());
    expect(calls).toBe(2);
  });
});

describe('client factories', () => {
  it('the workflow needs STATE_MACHINE_ARN: no fallback ARN', async () => {
    const { approvalWorkflow } = await import('../../../functions/factories/sfn.ts');
    expect(() => approvalWorkflow()).toThrow(/STATE_MACHINE_ARN: is not set/);
    process.env.STATE_MACHINE_ARN = 'arn:aws-cn:states:cn-northwest-1:123456789012:stateMachine:relief-x';
    expect(approvalWorkflow()).toBeDefined();
  });

  it('the table needs TABLE_NAME, and nothing about the bucket or the workflow', async () => {
    const { applicationRepository } = await import('../../../functions/factories/dynamodb.ts');
    expect(() => applicationRepository()).toThrow(/TABLE_NAME: is not set/);
    process.env.TABLE_NAME = 'relief-test';
    expect(applicationRepository()).toBeDefined();
  });

  it('the bucket needs DOCUMENTS_BUCKET', async () => {
    const { documentStorage } = await import('../../../functions/factories/s3.ts');
    expect(() => documentStorage()).toThrow(/DOCUMENTS_BUCKET: is not set/);
  });

  it('the verifier needs the issuer, the audience and a JWKS (URL or JSON), and says which', async () => {
    const { authenticator } = await import('../../../functions/factories/verifier.ts');
    expect(() => authenticator()).toThrow(/JWT_ISSUER: is not set; JWT_AUDIENCE: is not set/);
    process.env.JWT_ISSUER = 'https://idp.example';
    process.env.JWT_AUDIENCE = 'relief-api';
    expect(() => authenticator()).toThrow(/JWKS_URL: JWKS_URL or JWKS_JSON must be set/);
    process.env.JWKS_JSON = 'not json';
    expect(() => authenticator()).toThrow(/JWKS_JSON: is not a JWKS/);
    process.env.JWKS_JSON = '{"keys":[]}';
    expect(authenticator()).toBeDefined();
  });

  it('the insurer client needs INSURER_ENDPOINT', async () => {
    const { insurerClient } = await import('../../../functions/factories/insurer.ts');
    expect(() => insurerClient()).toThrow(/INSURER_ENDPOINT: is not set/);
  });
});
