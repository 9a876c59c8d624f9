import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnauthorizedError } from '../../../functions/lib/auth.ts';
import { ConflictError } from '../../../functions/lib/errors.ts';
import { toProblem } from '../../../functions/lib/http.ts';
import { logger } from '../../../functions/lib/logger.ts';

/**
 * The error mapping (api-contract "Conventions"): "No stack traces, SQL/SDK messages or internal ids
 * in an error." Whatever an unexpected error carries — an SDK message quoting an item, a stack, a
 * personal number — the client gets a fixed problem+json; a token never appears in a 401.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

const problemOf = (error: unknown) => {
  const res = toProblem(error, 'req-1');
  return { res, text: String(res.body), body: JSON.parse(String(res.body)) };
};

describe('toProblem', () => {
  it('answers any unexpected error with a fixed 500 that carries none of its message, name, fields or stack', () => {
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 200 }),
        fc.constantFrom('ValidationException', 'ResourceNotFoundException', 'TypeError', 'SqlError', 'Error'),
        fc.dictionary(
          fc.constantFrom('Item', 'Key', '$metadata', 'sql', 'cause'),
          fc.string({ minLength: 6 }),
        ),
        (message, name, fields) => {
          const marker = `LEAK:${message}`;
          const error = Object.assign(new Error(marker), { name }, fields);
          const { res, text, body } = problemOf(error);
          expect(res.statusCode).toBe(500);
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          expect(body.code).toBe('INTERNAL_ERROR');
          expect(text).not.toContain(marker);
          expect(text).not.toContain(JSON.stringify(marker).slice(1, -1));
          expect(text).not.toContain(name === 'Error' ? 'Error:' : name);
          expect(text).not.toMatch(/\bat .+:\d+:\d+/);
          for (const v of Object.values(fields))
            if (v.length >= 6) expect(text).not.toContain(JSON.stringify(v));
        },
      ),
    );
  });

  it('answers a 401 with a fixed text, never the presented token or the reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED') as fc.Arbitrary<
          'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED'
        >,
        fc.string({ minLength: 8, maxLength: 200 }),
        (code, secret) => {
          const { res, text, body } = problemOf(new UnauthorizedError(code, `eyJ${secret}`));
          expect(res.statusCode).toBe(401);
          expect(body.code).toBe(code);
          expect(text).not.toContain(`eyJ${JSON.stringify(secret).slice(1, -1)}`);
          expect(res.headers?.['www-authenticate']).toBe('Bearer');
        },
      ),
    );
  });

  it('passes a typed error through with its own status and code (a client mistake is never a 500)', () => {
    const { res, body } = problemOf(new ConflictError('VERSION_CONFLICT', 'reload'));
    expect(res.statusCode).toBe(409);
    expect(body).toMatchObject({ status: 409, code: 'VERSION_CONFLICT' });
  });

  it('answers throttling from the store with 429 and Retry-After, not 500', () => {
    for (const name of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'SlowDown']) {
      const { res, body } = problemOf(
        Object.assign(new Error('Rate exceeded for table secret-table-x'), { name }),
      );
      expect(res.statusCode).toBe(429);
      expect(body.code).toBe('THROTTLED');
      expect(String(res.body)).not.toContain('secret-table-x');
      expect(res.headers?.['retry-after']).toBe('1');
    }
  });
});
