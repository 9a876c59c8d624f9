import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { apiRoutes } from '../../../functions/http/routes.ts';
import { CreateApplicationBody } from '../../../functions/http/schemas.ts';
import type { Principal } from '../../../functions/lib/auth.ts';
import { defineRoute } from '../../../functions/lib/http.ts';
import { blockText, forbiddenCharacter, lineText } from '../../../functions/lib/text.ts';
import { validApplicationBody } from '../domain/fixtures.ts';

/**
 * INVALID_TEXT: control characters, bidi overrides and isolates, and lone surrogates are refused in
 * every text field of every request body; `\n` and `\t` only in long free text.
 */

const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i));
const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i));
const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'];
const NEVER = [
  ...C0.filter((c) => c !== '\t' && c !== '\n'),
  '\u007F',
  ...C1,
  ...BIDI,
  ...LONE,
  '\u2028',
  '\u2029',
];
/** Text that is fine everywhere: CJK (astral too), RTL scripts, emoji with ZWJ, combining marks. */
const FINE = [
  '张三',
  '𠀀𪚥',
  'مرحبا',
  'שלום',
  '👨‍👩‍👧‍👦',
  'é',
  '（2018）京0105执1号',
  'O\u2019Brien',
  '\u200B',
];

describe('forbiddenCharacter', () => {
  it('refuses every C0 (tab and newline included), DEL, C1, bidi control, line separator and lone surrogate in a line', () => {
    for (const ch of [...NEVER, '\t', '\n']) {
      expect(forbiddenCharacter(`张${ch}三`, 'line'), JSON.stringify(ch)).toMatchObject({ index: 1 });
    }
  });

  it('allows only newline and tab in long free text', () => {
    expect(forbiddenCharacter('第一行\n第二行\t完', 'block')).toBeUndefined();
    expect(forbiddenCharacter('CRLF\r\n', 'block')).toEqual({ codePoint: 'U+000D', index: 4 });
    for (const ch of NEVER) expect(forbiddenCharacter(`a${ch}`, 'block'), JSON.stringify(ch)).toBeDefined();
  });

  it('accepts CJK, right-to-left scripts, emoji sequences and paired surrogates', () => {
    for (const text of FINE) {
      expect(forbiddenCharacter(text, 'line'), text).toBeUndefined();
      expect(forbiddenCharacter(text, 'block'), text).toBeUndefined();
    }
  });

  it('names the character and where it is', () => {
    expect(forbiddenCharacter('ab\u202Ecd', 'line')).toEqual({ codePoint: 'U+202E', index: 2 });
    expect(forbiddenCharacter('😀\uD800', 'line')).toEqual({ codePoint: 'U+D800', index: 2 });
  });

  it('property: clean text stays clean; one forbidden character anywhere is found at its place', () => {
    const clean = fc.string({ unit: fc.constantFrom(...FINE, 'a', ' ', '1'), maxLength: 12 });
    fc.assert(
      fc.property(clean, clean, fc.constantFrom(...NEVER), (before, after, bad) => {
        expect(forbiddenCharacter(before + after, 'line')).toBeUndefined();
        expect(forbiddenCharacter(before + bad + after, 'line')?.index).toBe(before.length);
        expect(forbiddenCharacter(before + bad + after, 'block')?.index).toBe(before.length);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Every string field of every request body carries the text check.

type Leaf = { path: string; kind: 'line' | 'block' | 'unchecked' | 'format' | 'unknown' };

/** Walks a zod 4 schema down to its string leaves (zod internals: `_zod.def`). */
function stringLeaves(schema: z.core.$ZodType, path = ''): Leaf[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const walk = (s: unknown, p = path) => stringLeaves(s as z.core.$ZodType, p);
  switch (def.type) {
    case 'string': {
      const checks = (def.checks as unknown[] | undefined) ?? [];
      if (checks.includes(lineText)) return [{ path, kind: 'line' }];
      if (checks.includes(blockText)) return [{ path, kind: 'block' }];
      // zod's own string formats (ISO date, date-time, …) admit no control character.
      return [{ path, kind: typeof def.format === 'string' ? 'format' : 'unchecked' }];
    }
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => walk(v, at(k)));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(def.innerType);
    case 'array':
      return walk(def.element, at('*'));
    case 'union':
      return (def.options as unknown[]).flatMap((o) => walk(o));
    case 'pipe':
      return [...walk(def.in), ...walk(def.out)];
    case 'record':
      return [...walk(def.keyType, at('(key)')), ...walk(def.valueType, at('*'))];
    case 'intersection':
      return [...walk(def.left), ...walk(def.right)];
    case 'tuple':
      return (def.items as unknown[]).flatMap((s, i) => walk(s, at(String(i))));
    case 'lazy':
      return walk((def.getter as () => unknown)());
    case 'unknown':
    case 'any':
      return [{ path, kind: 'unknown' }];
    default:
      return []; // enum, literal, number, boolean, null: no free text
  }
}

const bodies = apiRoutes
  .filter((r) => r.spec.body !== undefined)
  .map((r) => ({ op: r.spec.operationId, leaves: stringLeaves(r.spec.body as z.core.$ZodType) }));

/** Fields validated inside the handler rather than by the route schema, and the schema that does it. */
const VALIDATED_INSIDE: Record<string, z.core.$ZodType> = {
  'checkEligibility candidates.*': CreateApplicationBody,
};

describe('every request body', () => {
  it('has routes with bodies to check', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    expect(bodies.map((b) => b.op)).toEqual(
      expect.arrayContaining(['createApplication', 'decideApplication']),
    );
  });

  it('builds every string field from the shared text schemas (lineText or blockText)', () => {
    const unchecked = bodies.flatMap((b) =>
      b.leaves
        .filter(
          (l) => l.kind === 'unchecked' || (l.kind === 'unknown' && !VALIDATED_INSIDE[`${b.op} ${l.path}`]),
        )
        .map((l) => `${b.op} ${l.path}`),
    );
    expect(unchecked).toEqual([]);
    for (const schema of Object.values(VALIDATED_INSIDE)) {
      expect(stringLeaves(schema).filter((l) => l.kind === 'unchecked' || l.kind === 'unknown')).toEqual([]);
    }
  });

  it('keeps names, numbers, ids and references to one line', () => {
    const identifying = /(name|number|id|idnumber|reference|ref|by|code|phone|campaignid)$/i;
    const multiline = bodies.flatMap((b) =>
      b.leaves
        .filter((l) => l.kind === 'block' && identifying.test(l.path.split('.').at(-1) ?? ''))
        .map((l) => `${b.op} ${l.path}`),
    );
    expect(multiline).toEqual([]);
    const app = Object.fromEntries(stringLeaves(CreateApplicationBody).map((l) => [l.path, l.kind]));
    expect(app).toMatchObject({
      'applicant.name': 'line',
      'applicant.idNumber': 'line',
      'bankAccount.holderName': 'line',
      'bankAccount.holderIdNumber': 'line',
      'case.caseNumber': 'line',
      'hardship.statement': 'block',
      'case.terminationConditions.basis': 'block',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The HTTP layer answers 400 INVALID_TEXT naming the path.

const clerk: Principal = { sub: 'u1', court: 'BJ0105', roles: ['clerk'] };
let reached = 0;
const handler = defineRoute(
  {
    operationId: 'probe',
    method: 'POST',
    path: '/probe',
    summary: 'probe',
    tags: [],
    auth: 'jwt',
    roles: ['clerk'],
    body: CreateApplicationBody,
    responses: [],
    access: {},
  },
  () => ({ authenticate: async () => clerk }),
  async () => {
    reached++;
    return { status: 201, body: {} };
  },
).handler;

async function post(body: unknown) {
  const event = {
    version: '2.0',
    routeKey: 'POST /probe',
    rawPath: '/probe',
    rawQueryString: '',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    requestContext: { requestId: 'r1' },
    isBase64Encoded: false,
    body: JSON.stringify(body),
  } as unknown as APIGatewayProxyEventV2;
  const res = await handler(event, { awsRequestId: 'req' } as Context);
  return { status: res.statusCode, json: JSON.parse(res.body ?? 'null') };
}

describe('400 INVALID_TEXT', () => {
  it('refuses a bidi override in a name before anything runs, naming the path', async () => {
    const before = reached;
    const body = validApplicationBody({ applicant: { name: '王\u202E小明' } });
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_TEXT');
    expect(res.json.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_TEXT', path: 'applicant.name' }),
    ]);
    expect(res.json.errors[0].message).toContain('U+202E');
    expect(reached).toBe(before);
  });

  it('refuses a tab in a name and a carriage return in a statement, but not newline or tab in a statement', async () => {
    const tab = await post(validApplicationBody({ bankAccount: { holderName: '王小明\t' } }));
    expect(tab.json.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_TEXT', path: 'bankAccount.holderName' }),
    ]);
    const cr = await post(validApplicationBody({ hardship: { statement: '失业\r\n低保' } }));
    expect(cr.json.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_TEXT', path: 'hardship.statement' }),
    ]);
    const fine = await post(
      validApplicationBody({ hardship: { statement: '失业，\n\t享受最低生活保障。' } }),
    );
    expect(fine.status).toBe(201);
  });

  it('names every bad field, and is INVALID_TEXT even when other fields fail too', async () => {
    const body = validApplicationBody({
      case: { caseNumber: '(2018)京0105执1234号\u0000' },
      applicant: { idNumber: '\uD800110105198503121234' },
      reliefAmountFen: -1,
    });
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_TEXT');
    const codes = res.json.errors.map((e: { code: string; path: string }) => `${e.code}@${e.path}`);
    expect(codes).toEqual(
      expect.arrayContaining(['INVALID_TEXT@case.caseNumber', 'INVALID_TEXT@applicant.idNumber']),
    );
    expect(codes.some((c: string) => c.endsWith('@reliefAmountFen') && !c.startsWith('INVALID_TEXT'))).toBe(
      true,
    );
  });

  it('checks the text as sent: a control character at the edge is not trimmed away', async () => {
    const res = await post(validApplicationBody({ applicant: { name: '\u0085王小明' } }));
    expect(res.json.code).toBe('INVALID_TEXT');
  });
});
