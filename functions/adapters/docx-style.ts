/** The house style of the Word documents (the ruling, the written report): fonts and page size. */

/** Fonts: 宋体 for East Asian text, SimSun (its Latin name) for the rest. */
export const RULING_FONT = { ascii: 'SimSun', hAnsi: 'SimSun', cs: 'SimSun', eastAsia: '宋体' } as const;

/** A4 in twips (210 mm × 297 mm). */
export const A4_TWIPS = { width: 11906, height: 16838 } as const;
