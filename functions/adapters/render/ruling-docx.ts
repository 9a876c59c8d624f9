/**
 * Renders the termination ruling (终结执行裁定书) built by `buildRuling` as a Word document (.docx), with the
 * `docx` library: A4 portrait, 宋体 (SimSun) for Chinese and Latin text, court name and title centred and
 * bold, the document number aligned right, body paragraphs justified with a two-character first-line indent,
 * the court name and date of issue (落款) aligned right.
 *
 * The output is deterministic except for the creation/modification timestamps `docx` writes into
 * docProps/core.xml.
 */
import { AlignmentType, Document, Packer, Paragraph } from 'docx';
import { type buildRuling, MANDATED_PARAGRAPH } from '../../domain/ruling.ts';
import { A4_TWIPS, BODY_SIZE, FIRST_LINE_INDENT, RULING_FONT, TITLE_SIZE, zhRun } from './docx-style.ts';

export type RenderableRuling = ReturnType<typeof buildRuling>;

export interface RulingDocxMeta {
  courtName: string;
  caseNumber: string;
}

export { A4_TWIPS, RULING_FONT } from './docx-style.ts';

function check(ruling: RenderableRuling, meta: RulingDocxMeta): void {
  const { heading, body, signature, paragraphs } = ruling;
  const concatenated = [...heading, ...body, ...signature];
  if (
    concatenated.length !== paragraphs.length ||
    concatenated.some((p, i) => p !== paragraphs[i]) ||
    paragraphs.some((p) => /[\r\n]/.test(p))
  ) {
    throw new RangeError('renderRulingDocx: paragraphs must be heading + body + signature, one line each');
  }
  if (!body.includes(MANDATED_PARAGRAPH)) {
    throw new RangeError('renderRulingDocx: the ruling lacks the mandated paragraph');
  }
  if (heading[0] !== meta.courtName) {
    throw new RangeError('renderRulingDocx: the ruling is not from meta.courtName');
  }
  if (!paragraphs.some((p) => p.includes(meta.caseNumber))) {
    throw new RangeError('renderRulingDocx: the ruling does not name meta.caseNumber');
  }
}

/**
 * The ruling as a .docx buffer. Refuses (RangeError) a ruling whose paragraphs are not its heading, body and
 * signature in order, that lacks MANDATED_PARAGRAPH, or that does not match `meta` (court name, case number).
 */
export async function renderRulingDocx(ruling: RenderableRuling, meta: RulingDocxMeta): Promise<Buffer> {
  check(ruling, meta);
  const headingParagraphs = ruling.heading.map((text, i) => {
    if (i === 0)
      return new Paragraph({ alignment: AlignmentType.CENTER, children: [zhRun(text, { bold: true })] });
    if (text === ruling.title) {
      return new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 120, after: 240 },
        children: [zhRun(text, { bold: true, size: TITLE_SIZE })],
      });
    }
    return new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: { after: 240 },
      children: [zhRun(text)],
    });
  });
  const bodyParagraphs = ruling.body.map(
    (text) =>
      new Paragraph({
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLine: FIRST_LINE_INDENT },
        spacing: { line: 560, lineRule: 'exact' },
        children: [zhRun(text)],
      }),
  );
  const signatureParagraphs = ruling.signature.map(
    (text, i) =>
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: i === 0 ? { before: 480 } : {},
        children: [zhRun(text)],
      }),
  );

  const doc = new Document({
    title: `${meta.caseNumber}${ruling.title}`,
    subject: ruling.closingReason,
    creator: 'relief',
    lastModifiedBy: 'relief',
    styles: {
      default: { document: { run: { font: RULING_FONT, size: BODY_SIZE } } },
    },
    sections: [
      {
        properties: {
          page: {
            size: { ...A4_TWIPS, orientation: 'portrait' },
            margin: { top: '37mm', bottom: '35mm', left: '28mm', right: '26mm' },
          },
        },
        children: [...headingParagraphs, ...bodyParagraphs, ...signatureParagraphs],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
