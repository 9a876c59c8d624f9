/**
 * Renders the written report (domain/written-report.ts) as a Word document (.docx) with the `docx`
 * library, in the ruling's style (adapters/render/ruling-docx.ts): A4 portrait, 宋体, the title centred and
 * bold, body paragraphs justified with a two-character first-line indent; each table with a header row
 * repeated on every page, full page width, amounts aligned right.
 */
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';
import type { WrittenReport, WrittenTable } from '../../domain/written-report.ts';
import {
  A4_TWIPS,
  BODY_SIZE,
  FIRST_LINE_INDENT,
  RULING_FONT,
  TABLE_SIZE,
  TITLE_SIZE,
  zhRun,
} from './docx-style.ts';

const NUMERIC = /^-?[\d,]+(\.\d+)?$/;

function table(t: WrittenTable): Table {
  const cell = (text: string, header: boolean) =>
    new TableCell({
      children: [
        new Paragraph({
          alignment: header
            ? AlignmentType.CENTER
            : NUMERIC.test(text)
              ? AlignmentType.RIGHT
              : AlignmentType.LEFT,
          children: [zhRun(text, { bold: header, size: TABLE_SIZE })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: t.header.map((h) => cell(h, true)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c) => cell(c, false)) })),
    ],
  });
}

/** The written report as a .docx buffer. */
export async function renderReportDocx(report: WrittenReport): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [zhRun(report.title, { bold: true, size: TITLE_SIZE })],
    }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [zhRun(report.reporter)] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [zhRun(report.dateLine)],
    }),
  ];
  for (const section of report.sections) {
    children.push(
      new Paragraph({
        spacing: { before: 240, after: 120 },
        children: [zhRun(section.heading, { bold: true })],
      }),
    );
    for (const text of section.paragraphs)
      children.push(
        new Paragraph({
          alignment: AlignmentType.JUSTIFIED,
          indent: { firstLine: FIRST_LINE_INDENT },
          spacing: { line: 560, lineRule: 'exact' },
          children: [zhRun(text)],
        }),
      );
    if (section.table) children.push(table(section.table));
  }
  const doc = new Document({
    title: report.title,
    creator: 'relief',
    lastModifiedBy: 'relief',
    styles: { default: { document: { run: { font: RULING_FONT, size: BODY_SIZE } } } },
    sections: [
      {
        properties: {
          page: {
            size: { ...A4_TWIPS, orientation: 'portrait' },
            margin: { top: '37mm', bottom: '35mm', left: '28mm', right: '26mm' },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
