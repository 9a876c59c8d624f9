import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Count the constant-time comparisons the verifier makes (the real function still does the work).
const spy = vi.hoisted(() => ({ timingSafeEqualCalls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.timingSafeEqualCalls += 1;
      return actual.timingSafeEqual(a, b);
    },
  };
});

const {
  DEFAULT_TOLERANCE_SECONDS,
  MAX_HEADER_LENGTH,
  parseSecrets,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
  WebhookSecretError,
} = await import('../../../functions/lib/webhook-signature.ts');

const NEW = 'whsec_0123456789abcdef';
const OLD = 'whsec_previous_secret_01';
const OTHER = 'whsec_someone_elses_key';
const T = 1_545_350_400; // 2018-12-21T00:00:00Z, the first day of the handling window
const BODY = '{"id":"evt_1","type":"payout.succeeded","packageId":"pkg_1","amountFen":5000000}';
// Computed independently: printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
const V1_NEW = '477291d48a5bd671ca68d40ed3bbb3bb72d19c67206854c876b1ef4a3e9be344';
const V1_OLD = '629c5d3efe3c3edb766d5b727d5a5215f45e673ec3c5211eede7c8dd0d8691ea';

afterEach(() => {
  spy.timingSafeEqualCalls = 0;
});

function reasonOf(result: ReturnType<typeof verifySignature>): string {
  return result.ok ? 'OK' : result.reason;
}

describe('signPayload', () => {
  it('produces the contract header format with a known HMAC-SHA256 of "<t>.<raw body>"', () => {
    expect(SIGNATURE_HEADER).toBe('Relief-Signature');
    expect(signPayload(BODY, NEW, T)).toBe(`t=${T},v1=${V1_NEW}`);
  });

  it('emits one v1 per secret, in the order given', () => {
    expect(signPayload(BODY, [NEW, OLD], T)).toBe(`t=${T},v1=${V1_NEW},v1=${V1_OLD}`);
    expect(signPayload(BODY, [OLD, NEW], T)).toBe(`t=${T},v1=${V1_OLD},v1=${V1_NEW}`);
  });

  it('signs the same bytes the same way whether given a string or a Buffer', () => {
    const body = '{"name":"张三","note":"账户异常"}';
    expect(signPayload(Buffer.from(body, 'utf8'), NEW, T)).toBe(signPayload(body, NEW, T));
  });

  it('refuses a secret shorter than 16 bytes, an empty list and a non-integer clock', () => {
    expect(() => signPayload(BODY, 'short', T)).toThrow(WebhookSecretError);
    expect(() => signPayload(BODY, [NEW, '0123456789abcde'], T)).toThrow(/#2 is shorter than 16 bytes/);
    expect(() => signPayload(BODY, [], T)).toThrow(WebhookSecretError);
    expect(() => signPayload(BODY, NEW, T + 0.5)).toThrow(RangeError);
    expect(() => signPayload(BODY, NEW, -1)).toThrow(RangeError);
    expect(() => signPayload(BODY, NEW, Number.NaN)).toThrow(RangeError);
  });
});

describe('verifySignature', () => {
  it('accepts its own signature (round trip) and returns the timestamp', () => {
    expect(verifySignature(signPayload(BODY, NEW, T), BODY, [NEW], T)).toEqual({ ok: true, timestamp: T });
  });

  it('verifies a Buffer body against a header signed over the same UTF-8 string, and vice versa', () => {
    const body = '{"reason":"ACCOUNT_REJECTED","说明":"账户异常"}';
    const bytes = Buffer.from(body, 'utf8');
    expect(verifySignature(signPayload(body, NEW, T), bytes, [NEW], T).ok).toBe(true);
    expect(verifySignature(signPayload(bytes, NEW, T), body, [NEW], T).ok).toBe(true);
  });

  it('accepts the known vector with the secret that made it', () => {
    expect(verifySignature(`t=${T},v1=${V1_OLD}`, BODY, [NEW, OLD], T)).toEqual({ ok: true, timestamp: T });
  });

  describe('secret rotation', () => {
    it('accepts a body signed with the previous secret when verifying with [new, old]', () => {
      expect(verifySignature(signPayload(BODY, OLD, T), BODY, [NEW, OLD], T).ok).toBe(true);
    });

    it('accepts a body signed with both secrets when verifying with the new one only', () => {
      expect(verifySignature(signPayload(BODY, [NEW, OLD], T), BODY, [NEW], T).ok).toBe(true);
      expect(verifySignature(signPayload(BODY, [OLD, NEW], T), BODY, [NEW], T).ok).toBe(true);
    });

    it('refuses a body signed with the old secret once the old secret is retired', () => {
      expect(reasonOf(verifySignature(signPayload(BODY, OLD, T), BODY, [NEW], T))).toBe('MISMATCH');
    });

    it('refuses a body signed with a secret the receiver never held', () => {
      expect(reasonOf(verifySignature(signPayload(BODY, OTHER, T), BODY, [NEW, OLD], T))).toBe('MISMATCH');
    });
  });

  describe('tampering', () => {
    const header = `t=${T},v1=${V1_NEW}`;

    it('refuses a changed body', () => {
      expect(reasonOf(verifySignature(header, BODY.replace('5000000', '9000000'), [NEW], T))).toBe(
        'MISMATCH',
      );
      expect(reasonOf(verifySignature(header, `${BODY} `, [NEW], T))).toBe('MISMATCH');
      expect(reasonOf(verifySignature(header, '', [NEW], T))).toBe('MISMATCH');
    });

    it('refuses a changed timestamp, even one still inside the tolerance', () => {
      expect(reasonOf(verifySignature(`t=${T + 1},v1=${V1_NEW}`, BODY, [NEW], T))).toBe('MISMATCH');
      // leading zeros are a different signed string, not the same number
      expect(reasonOf(verifySignature(`t=0${T},v1=${V1_NEW}`, BODY, [NEW], T))).toBe('MISMATCH');
    });

    it('refuses a changed signature', () => {
      const flipped = `${V1_NEW.slice(0, -1)}${V1_NEW.endsWith('4') ? '5' : '4'}`;
      expect(reasonOf(verifySignature(`t=${T},v1=${flipped}`, BODY, [NEW], T))).toBe('MISMATCH');
      expect(reasonOf(verifySignature(`t=${T},v1=${'0'.repeat(64)}`, BODY, [NEW], T))).toBe('MISMATCH');
    });

    it('still finds the genuine v1 among forged ones, in any position', () => {
      const forged = 'ab'.repeat(32);
      expect(verifySignature(`t=${T},v1=${forged},v1=${V1_NEW}`, BODY, [NEW], T).ok).toBe(true);
      expect(verifySignature(`t=${T},v1=${V1_NEW},v1=${forged}`, BODY, [NEW], T).ok).toBe(true);
    });
  });

  describe('timestamp tolerance (300 s both ways)', () => {
    const header = signPayload(BODY, NEW, T);

    it('accepts a timestamp exactly 300 s old or 300 s ahead', () => {
      expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
      expect(verifySignature(header, BODY, [NEW], T + 300).ok).toBe(true);
      expect(verifySignature(header, BODY, [NEW], T - 300).ok).toBe(true);
    });

    it('refuses a timestamp 301 s old as STALE', () => {
      expect(reasonOf(verifySignature(header, BODY, [NEW], T + 301))).toBe('STALE');
    });

    it('refuses a timestamp 301 s ahead as FUTURE', () => {
      expect(reasonOf(verifySignature(header, BODY, [NEW], T - 301))).toBe('FUTURE');
    });

    it('honours another tolerance, fractional clocks included', () => {
      expect(verifySignature(header, BODY, [NEW], T + 10, 10).ok).toBe(true);
      expect(reasonOf(verifySignature(header, BODY, [NEW], T + 10.5, 10))).toBe('STALE');
      expect(reasonOf(verifySignature(header, BODY, [NEW], T - 10.5, 10))).toBe('FUTURE');
      expect(reasonOf(verifySignature(header, BODY, [NEW], T + 1, 0))).toBe('STALE');
    });

    it('reports MISMATCH, not STALE, for a forged header with an old timestamp', () => {
      expect(reasonOf(verifySignature(`t=${T},v1=${V1_NEW}`, `${BODY}x`, [NEW], T + 10_000))).toBe(
        'MISMATCH',
      );
    });
  });

  describe('header parsing', () => {
    it('reports MISSING for an absent or blank header', () => {
      expect(reasonOf(verifySignature(undefined, BODY, [NEW], T))).toBe('MISSING');
      expect(reasonOf(verifySignature('', BODY, [NEW], T))).toBe('MISSING');
      expect(reasonOf(verifySignature('  ', BODY, [NEW], T))).toBe('MISSING');
    });

    const v1 = `v1=${V1_NEW}`;
    it.each([
      ['no t', v1],
      ['no v1', `t=${T}`],
      ['only an unknown scheme', `t=${T},v0=${V1_NEW}`],
      ['t not digits', `t=abc,${v1}`],
      ['t negative', `t=-${T},${v1}`],
      ['t with a fraction', `t=${T}.5,${v1}`],
      ['t in exponent form', `t=1e9,${v1}`],
      ['t too long for an exact number', `t=${'9'.repeat(16)},${v1}`],
      ['t empty', `t=,${v1}`],
      ['duplicate t', `t=${T},t=${T},${v1}`],
      ['a repeated header joined by ", "', `t=${T},${v1}, t=${T},${v1}`],
      ['v1 not hex', `t=${T},v1=${'g'.repeat(64)}`],
      ['v1 too short', `t=${T},v1=${V1_NEW.slice(2)}`],
      ['v1 too long', `t=${T},v1=${V1_NEW}00`],
      ['v1 empty', `t=${T},v1=`],
      ['one bad v1 among good ones', `t=${T},${v1},v1=xyz`],
      ['whitespace inside an element', `t = ${T},${v1}`],
      ['whitespace before the value', `t= ${T},${v1}`],
      ['an element without "="', `t=${T},${v1},v1`],
      ['an empty element (trailing comma)', `t=${T},${v1},`],
      ['an empty element (double comma)', `t=${T},,${v1}`],
      ['a key with odd characters', `t=${T},${v1},v 1=x`],
      ['semicolons instead of commas', `t=${T};${v1}`],
      ['a bare signature', V1_NEW],
      ['too long overall', `t=${T},${v1},x=${'a'.repeat(MAX_HEADER_LENGTH)}`],
    ])('reports MALFORMED for %s', (_name, header) => {
      expect(reasonOf(verifySignature(header, BODY, [NEW], T))).toBe('MALFORMED');
    });

    it('accepts optional spaces or tabs around each element', () => {
      expect(verifySignature(`t=${T}, v1=${V1_NEW}`, BODY, [NEW], T).ok).toBe(true);
      expect(verifySignature(` t=${T} ,\tv1=${V1_NEW}\t`, BODY, [NEW], T).ok).toBe(true);
      expect(verifySignature(`t=${T}, v1=${V1_OLD}, v1=${V1_NEW}`, BODY, [NEW], T).ok).toBe(true);
    });

    it('accepts any element order and ignores unknown schemes', () => {
      expect(verifySignature(`v1=${V1_NEW},t=${T}`, BODY, [NEW], T).ok).toBe(true);
      expect(verifySignature(`t=${T},v0=legacy,v2=future=value,v1=${V1_NEW}`, BODY, [NEW], T).ok).toBe(true);
    });

    it('accepts upper-case hex digits', () => {
      expect(verifySignature(`t=${T},v1=${V1_NEW.toUpperCase()}`, BODY, [NEW], T).ok).toBe(true);
    });
  });

  it('compares every v1 with every secret, even after a match (no early exit)', () => {
    const forged = 'cd'.repeat(32);
    spy.timingSafeEqualCalls = 0;
    expect(
      verifySignature(`t=${T},v1=${V1_NEW},v1=${forged},v1=${V1_OLD}`, BODY, [NEW, OLD, OTHER], T).ok,
    ).toBe(true);
    expect(spy.timingSafeEqualCalls).toBe(9);
    spy.timingSafeEqualCalls = 0;
    expect(reasonOf(verifySignature(`t=${T},v1=${forged},v1=${forged}`, BODY, [NEW, OLD], T))).toBe(
      'MISMATCH',
    );
    expect(spy.timingSafeEqualCalls).toBe(4);
  });

  it('throws for an unusable configuration, not for anything a sender controls', () => {
    expect(() => verifySignature(`t=${T},v1=${V1_NEW}`, BODY, [], T)).toThrow(WebhookSecretError);
    expect(() => verifySignature(`t=${T},v1=${V1_NEW}`, BODY, ['too-short'], T)).toThrow(WebhookSecretError);
    expect(() => verifySignature(`t=${T},v1=${V1_NEW}`, BODY, [NEW], Number.NaN)).toThrow(RangeError);
    expect(() => verifySignature(`t=${T},v1=${V1_NEW}`, BODY, [NEW], T, -1)).toThrow(RangeError);
  });

  describe('properties', () => {
    it('refuses any single-byte change to the body', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 512 }),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (bytes, at, delta) => {
            const body = Buffer.from(bytes);
            const header = signPayload(body, [NEW, OLD], T);
            const changed = Buffer.from(body);
            const index = at % changed.length;
            changed[index] = ((changed[index] as number) ^ delta) & 0xff;
            return (
              verifySignature(header, body, [NEW], T).ok &&
              reasonOf(verifySignature(header, changed, [NEW, OLD], T)) === 'MISMATCH'
            );
          },
        ),
        { numRuns: 500 },
      );
    });

    const reasons = ['MISSING', 'MALFORMED', 'STALE', 'FUTURE', 'MISMATCH'];

    it('never throws for an arbitrary header string, and names a reason', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
          const result = verifySignature(header, BODY, [NEW, OLD], T);
          return !result.ok && reasons.includes(result.reason);
        }),
        { numRuns: 200 },
      );
    });

    it('never throws for arbitrary headers built from the right pieces, and accepts only genuine ones', () => {
      const element = fc.oneof(
        fc.constant(`t=${T}`),
        fc.nat().map((n) => `t=${n}`),
        fc.constant(`v1=${V1_NEW}`),
        fc.constant(`v1=${V1_OLD}`),
        fc.stringMatching(/^[0-9a-fA-F]{0,66}$/).map((h) => `v1=${h}`),
        fc.string({ maxLength: 12 }).map((s) => `v0=${s}`),
        fc.string({ maxLength: 12 }),
      );
      const padding = fc.constantFrom('', ' ', '\t', '  ');
      const header = fc
        .array(fc.tuple(padding, element, padding), { maxLength: 6 })
        .map((parts) => parts.map(([a, e, b]) => `${a}${e}${b}`).join(','));
      fc.assert(
        fc.property(header, fc.integer({ min: -400, max: 400 }), (h, skew) => {
          const result = verifySignature(h, BODY, [NEW], T + skew);
          if (result.ok) return result.timestamp === T && h.includes(V1_NEW) && Math.abs(skew) <= 300;
          return reasons.includes(result.reason);
        }),
        { numRuns: 2_000 },
      );
    });

    it('round-trips any body, secrets and time', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.array(fc.string({ minLength: 16, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 0, max: 4_102_444_800 }),
          (body, secrets, now) => {
            const usable = secrets.filter((s) => !s.includes(','));
            fc.pre(usable.length > 0);
            const header = signPayload(body, usable, now);
            return usable.every((secret) => verifySignature(header, body, [secret], now).ok);
          },
        ),
      );
    });
  });
});

describe('parseSecrets', () => {
  it('splits a comma-separated setting and trims each secret, keeping the order', () => {
    expect(parseSecrets(` ${NEW} ,${OLD}`)).toEqual([NEW, OLD]);
    expect(parseSecrets(NEW)).toEqual([NEW]);
  });

  it('counts bytes, not characters', () => {
    expect(parseSecrets('保险救助密钥六字')).toEqual(['保险救助密钥六字']); // 8 characters, 24 bytes
  });

  it.each([
    ['an empty value', ''],
    ['a blank value', '   '],
    ['an empty entry', `${NEW},,${OLD}`],
    ['a trailing comma', `${NEW},`],
    ['a blank entry', `${NEW}, ,${OLD}`],
    ['a 15-byte secret', '0123456789abcde'],
    ['a short second secret', `${NEW},tooshort`],
  ])('refuses %s', (_name, value) => {
    expect(() => parseSecrets(value)).toThrow(WebhookSecretError);
  });

  it('never puts a secret in its error message', () => {
    const secret = 'secret-abc';
    try {
      parseSecrets(`${NEW},${secret}`);
      expect.unreachable('a short secret was accepted');
    } catch (error) {
      expect((error as Error).message).toMatch(/#2/);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
