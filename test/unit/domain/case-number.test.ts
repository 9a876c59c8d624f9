import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENFORCEMENT_CASE_WORDS,
  formatCaseNumber,
  parseCaseNumber,
  parseCaseNumberSyntax,
} from '../../../functions/domain/case-number.ts';
import { caseNumberPartsArb } from './arbitraries.ts';

describe('parseCaseNumber', () => {
  it('parses a basic court enforcement case number', () => {
    expect(parseCaseNumber('(2018)京0105执1234号')).toEqual({
      ok: true,
      value: {
        year: 2018,
        courtPrefix: '京0105',
        caseWord: '执',
        serial: 1234,
        normalized: '(2018)京0105执1234号',
        kind: 'implementation',
      },
    });
  });

  it('accepts full-width and tortoise-shell brackets and normalises to half-width', () => {
    for (const s of ['（2018）京0105执1234号', '〔2018〕京0105执1234号', ' (2018)京0105执1234号 ']) {
      const r = parseCaseNumber(s);
      expect(r.ok, s).toBe(true);
      if (r.ok) expect(r.value.normalized).toBe('(2018)京0105执1234号');
    }
  });

  it('reads full-width digits as ASCII digits', () => {
    const r = parseCaseNumber('（２０１８）京０１０５执１２３４号');
    expect(r).toMatchObject({
      ok: true,
      value: { year: 2018, serial: 1234, normalized: '(2018)京0105执1234号' },
    });
  });

  it('accepts high, intermediate, SPC and XPCC prefixes', () => {
    expect(parseCaseNumber('(2018)京执5号')).toMatchObject({ ok: true, value: { courtPrefix: '京' } });
    expect(parseCaseNumber('(2018)京01执5号')).toMatchObject({ ok: true, value: { courtPrefix: '京01' } });
    expect(parseCaseNumber('(2018)最高法执监5号')).toMatchObject({
      ok: true,
      value: { courtPrefix: '最高法' },
    });
    expect(parseCaseNumber('(2018)兵01执5号')).toMatchObject({ ok: true, value: { courtPrefix: '兵01' } });
    expect(parseCaseNumber('(2018)兵0101执5号')).toMatchObject({
      ok: true,
      value: { courtPrefix: '兵0101' },
    });
    expect(parseCaseNumber('(2018)黔01执5号')).toMatchObject({ ok: true, value: { courtPrefix: '黔01' } });
  });

  it('classifies the enforcement family by kind', () => {
    const kindOf = (word: string) => {
      const r = parseCaseNumber(`(2018)京0105${word}7号`);
      return r.ok ? r.value.kind : r.reason;
    };
    expect(kindOf('执')).toBe('implementation');
    expect(kindOf('执恢')).toBe('implementation');
    expect(kindOf('执保')).toBe('preservation');
    for (const w of ['执异', '执复', '执监', '执协', '执他', '执请']) expect(kindOf(w), w).toBe('review');
    expect(Object.keys(ENFORCEMENT_CASE_WORDS)).toHaveLength(9);
  });

  it('reports NOT_ENFORCEMENT for other case words', () => {
    for (const w of ['民初', '民终', '刑初', '执字', '行初']) {
      expect(parseCaseNumber(`(2018)京0105${w}7号`), w).toEqual({ ok: false, reason: 'NOT_ENFORCEMENT' });
    }
  });

  it('reports YEAR outside 1990-2100', () => {
    expect(parseCaseNumber('(1989)京0105执1号')).toEqual({ ok: false, reason: 'YEAR' });
    expect(parseCaseNumber('(2101)京0105执1号')).toEqual({ ok: false, reason: 'YEAR' });
    expect(parseCaseNumber('(1990)京0105执1号').ok).toBe(true);
    expect(parseCaseNumber('(2100)京0105执1号').ok).toBe(true);
  });

  it('reports FORMAT for structural errors', () => {
    const bad = [
      '',
      '2018京0105执1234号',
      '(18)京0105执1234号',
      '(20180)京0105执1234号',
      '(2018)京0105执1234',
      '(2018)京0105执号',
      '(2018)京0105执01234号',
      '(2018)京0105执1234567号',
      '(2018)京1执1号',
      '(2018)京010执1号',
      '(2018)京01050执1号',
      '(2018)最高法01执1号',
      '(2018)港0105执1号',
      '(2018)0105执1号',
      '(2018)京0105 执1号',
      '(2018)京0105abc1号',
      '(2018)京0105执0号',
    ];
    for (const s of bad) expect(parseCaseNumber(s), s).toEqual({ ok: false, reason: 'FORMAT' });
    expect(parseCaseNumber(42 as unknown as string)).toEqual({ ok: false, reason: 'FORMAT' });
  });

  it('property: format then parse returns the parts, whatever the bracket style', () => {
    fc.assert(
      fc.property(
        caseNumberPartsArb,
        fc.constantFrom('half', 'full', 'tortoise') as fc.Arbitrary<'half' | 'full' | 'tortoise'>,
        (parts, style) => {
          const r = parseCaseNumber(formatCaseNumber(parts, style));
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value).toMatchObject(parts);
            expect(r.value.normalized).toBe(formatCaseNumber(parts, 'half'));
            expect(r.value.kind).toBe(ENFORCEMENT_CASE_WORDS[parts.caseWord]?.kind);
          }
        },
      ),
    );
  });
});

describe('parseCaseNumberSyntax', () => {
  it('parses any case word, so the court prefix of a civil number is known', () => {
    expect(parseCaseNumberSyntax('（2018）京0105民初88号')).toEqual({
      ok: true,
      value: {
        year: 2018,
        courtPrefix: '京0105',
        caseWord: '民初',
        serial: 88,
        normalized: '(2018)京0105民初88号',
      },
    });
    expect(parseCaseNumberSyntax('(2018)京0105民初088号')).toEqual({ ok: false, reason: 'FORMAT' });
    expect(parseCaseNumberSyntax('(1900)京0105民初88号')).toEqual({ ok: false, reason: 'YEAR' });
  });
});
