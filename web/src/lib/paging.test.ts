import { describe, expect, it } from 'vitest';
import { nextPage, pageNumberOf, previousPage } from './paging.ts';

describe('the cursor trail of a server-paged list', () => {
  it('walks forward three pages and back again to the first, numbering each', () => {
    // Page 1: no cursor, no trail.
    let at = { cursor: '', trail: [] as string[] };
    const go = (p: { cursor: string | null; trail: string | null }) => {
      at = { cursor: p.cursor ?? '', trail: (p.trail ?? '').split(' ').filter(Boolean) };
    };
    expect(pageNumberOf(at.cursor, at.trail)).toBe(1);
    go(nextPage(at.cursor, at.trail, 'c2'));
    expect(at).toEqual({ cursor: 'c2', trail: [] });
    expect(pageNumberOf(at.cursor, at.trail)).toBe(2);
    go(nextPage(at.cursor, at.trail, 'c3'));
    expect(at).toEqual({ cursor: 'c3', trail: ['c2'] });
    expect(pageNumberOf(at.cursor, at.trail)).toBe(3);
    go(previousPage(at.trail));
    expect(at).toEqual({ cursor: 'c2', trail: [] });
    go(previousPage(at.trail));
    expect(at).toEqual({ cursor: '', trail: [] });
    expect(pageNumberOf(at.cursor, at.trail)).toBe(1);
  });
});
