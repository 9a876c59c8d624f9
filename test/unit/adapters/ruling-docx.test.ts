import { describe, expect, it } from 'vitest';
import { A4_TWIPS, renderRulingDocx } from '../../../functions/adapters/render/ruling-docx.ts';
import { buildRuling, MANDATED_PARAGRAPH, type RulingInput } from '../../../functions/domain/ruling.ts';
import { entry, paragraphTexts, readZip } from '../../support/docx.ts';
import { noticeRulingParagraph } from '../../support/seed.ts';

const input: RulingInput = {
  courtName: '北京市东城区人民法院',
  caseNumber: '(2018)京0101执1234号',
  applicantName: '张三',
  categoryLabelZh: '追索劳动报酬',
  reliefAmountFen: 3_000_000,
  paidAt: '2026-11-24T17:30:00Z',
  transactionRef: 'PICC-20261125-0001',
};
const meta = { courtName: input.courtName, caseNumber: input.caseNumber };

describe('renderRulingDocx', () => {
  it('produces a zip (.docx) whose document.xml holds every paragraph of the ruling, in order', async () => {
    const ruling = buildRuling(input);
    const buf = await renderRulingDocx(ruling, meta);
    expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
    const xml = entry(readZip(buf), 'word/document.xml');
    expect(xml).toContain(noticeRulingParagraph());
    expect(xml).toContain('北京市东城区人民法院');
    expect(xml).toContain('(2018)京0101执1234号');
    expect(xml).toContain('张三');
    expect(xml).toContain('30,000.00元');
    expect(xml).toContain('2026年11月25日');
    expect(paragraphTexts(xml).filter((t) => t !== '')).toEqual(ruling.paragraphs);
  });

  it('centres the title in bold, uses 宋体 and an A4 page', async () => {
    const xml = entry(readZip(await renderRulingDocx(buildRuling(input), meta)), 'word/document.xml');
    const titleParagraph = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
      .map((m) => m[0])
      .find((p) => p.includes('>执行裁定书<'));
    expect(titleParagraph).toBeDefined();
    expect(titleParagraph).toMatch(/<w:jc w:val="center"\/>/);
    expect(titleParagraph).toMatch(/<w:b\/>|<w:b w:val="(?:true|1|on)"\/>/);
    expect(xml).toContain('w:eastAsia="宋体"');
    expect(xml).toContain(`w:w="${A4_TWIPS.width}"`);
    expect(xml).toContain(`w:h="${A4_TWIPS.height}"`);
  });

  it('sets the document title to case number + 执行裁定书 and the creator to relief', async () => {
    const core = entry(readZip(await renderRulingDocx(buildRuling(input), meta)), 'docProps/core.xml');
    expect(core).toContain('<dc:title>(2018)京0101执1234号执行裁定书</dc:title>');
    expect(core).toContain('<dc:creator>relief</dc:creator>');
  });

  it('does not carry an ID number or bank account given alongside the input', async () => {
    const leaky = {
      ...input,
      idNumber: '11010519491231002X',
      bankAccount: '6222020200112233445',
    } as RulingInput;
    const zip = readZip(await renderRulingDocx(buildRuling(leaky), meta));
    for (const [, data] of zip) {
      const text = data.toString('utf8');
      expect(text).not.toContain('11010519491231002X');
      expect(text).not.toContain('6222020200112233445');
    }
  });

  it('refuses a ruling without the mandated paragraph', async () => {
    const ruling = buildRuling(input);
    const body = ruling.body.filter((p) => p !== MANDATED_PARAGRAPH);
    const tampered = { ...ruling, body, paragraphs: [...ruling.heading, ...body, ...ruling.signature] };
    await expect(renderRulingDocx(tampered, meta)).rejects.toThrow(/mandated paragraph/);
  });

  it('refuses a ruling whose paragraphs are not heading + body + signature', async () => {
    const ruling = buildRuling(input);
    const tampered = { ...ruling, paragraphs: [...ruling.paragraphs, '附：申请执行人身份证号码'] };
    await expect(renderRulingDocx(tampered, meta)).rejects.toThrow(RangeError);
  });

  it('refuses a ruling that does not match the meta court or case number', async () => {
    const ruling = buildRuling(input);
    await expect(renderRulingDocx(ruling, { ...meta, courtName: '北京市西城区人民法院' })).rejects.toThrow(
      /courtName/,
    );
    await expect(renderRulingDocx(ruling, { ...meta, caseNumber: '(2018)京0102执9号' })).rejects.toThrow(
      /caseNumber/,
    );
  });
});
