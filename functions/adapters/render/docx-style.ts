import { TextRun } from 'docx';

/** The house style of the Word documents (the ruling, the written report): fonts and page size. */

/** Fonts: 宋体 for East Asian text, SimSun (its Latin name) for the rest. */
export const RULING_FONT = { ascii: 'SimSun', hAnsi: 'SimSun', cs: 'SimSun', eastAsia: '宋体' } as const;

/** A4 in twips (210 mm × 297 mm). */
export const A4_TWIPS = { width: 11906, height: 16838 } as const;

/** Half-points: 二号 (22 pt) titles, 三号 (16 pt) headings and body, 五号 (10.5 pt) tables. */
export const TITLE_SIZE = 44;
export const BODY_SIZE = 32;
export const TABLE_SIZE = 21;
/** Two characters of 16 pt = 32 pt = 640 twips. */
export const FIRST_LINE_INDENT = 640;

/** A run of Chinese text in the house font (三号 unless `size` says otherwise). */
export function zhRun(text: string, opts: { bold?: boolean; size?: number } = {}): TextRun {
  return new TextRun({
    text,
    bold: opts.bold ?? false,
    size: opts.size ?? BODY_SIZE,
    font: RULING_FONT,
    language: { value: 'zh-CN', eastAsia: 'zh-CN' },
  });
}
