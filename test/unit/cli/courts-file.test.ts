/** The court file of `relief courts import`: encodings, header, cells, each problem at its line and column. */
import { describe, expect, it } from 'vitest';
import { decodeCourtFile, readCourtFile } from '../../../cli/courts.ts';
import { InputError } from '../../../cli/errors.ts';
import { gbk } from '../../support/gbk.ts';

const HEADER = 'code,name,level,parentCode,province,caseCourtPrefix,directToHighCourt';
const ROW = 'NM0102,内蒙古自治区呼和浩特市新城区人民法院,basic,NM01,NM,内0102,否';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).issues;
  }
  throw new Error('expected an InputError');
}

describe('decodeCourtFile', () => {
  it('reads UTF-8 with and without a BOM, and GBK', () => {
    const text = `${HEADER}\n${ROW}\n`;
    expect(decodeCourtFile(Buffer.from(text), 'f')).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCourtFile(Buffer.from(`\uFEFF${text}`), 'f')).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCourtFile(gbk(text), 'f')).toEqual({ text, encoding: 'gb18030' });
  });

  it.each([
    ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]), /UTF-16/],
    ['binary (an .xlsx)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), /NUL bytes/],
    ['neither UTF-8 nor GBK', Buffer.from([0x63, 0x6f, 0x64, 0x65, 0xff, 0x0a]), /neither UTF-8 nor GBK/],
  ])('refuses %s clearly', (_what, bytes, message) => {
    const [issue] = issuesOf(() => decodeCourtFile(bytes, 'f'));
    expect(issue?.message).toMatch(message);
    expect(issue?.line).toBe(1);
  });
});

describe('readCourtFile', () => {
  it('parses rows: level in English or Chinese, 是/否, blank parent for the SPC', () => {
    const file = readCourtFile(
      Buffer.from(
        `${HEADER}\n${ROW}\nBJ0105,北京市朝阳区人民法院,基层,BJ03,BJ,京0105,是\nSPC,最高人民法院,spc,,SPC,最高法,\n`,
      ),
      'f',
    );
    expect(file.lines).toEqual([2, 3, 4]);
    expect(file.rows[0]).toEqual({
      code: 'NM0102',
      name: '内蒙古自治区呼和浩特市新城区人民法院',
      level: 'basic',
      parentCode: 'NM01',
      province: 'NM',
      caseCourtPrefix: '内0102',
      directToHighCourt: false,
    });
    expect(file.rows[1]).toMatchObject({ level: 'basic', directToHighCourt: true });
    expect(file.rows[2]).toMatchObject({ parentCode: null, directToHighCourt: false });
  });

  it('refuses wrong headers, naming the column', () => {
    const issues = issuesOf(() => readCourtFile(Buffer.from('code,name,tier\nNM0102,x,basic\n'), 'f'));
    expect(issues).toContainEqual(expect.objectContaining({ line: 1, column: 'tier' }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 1, column: 'parentCode' }));
  });

  it('names every bad cell with its line and column', () => {
    const issues = issuesOf(() =>
      readCourtFile(
        Buffer.from(
          [HEADER, ROW, 'nm01x,,county,NM-1,内蒙古,,也许', ROW.replace('内0102', '内0103')].join('\n'),
        ),
        'f',
      ),
    );
    expect(issues.map((i) => `${i.line}:${i.column}`)).toEqual([
      '3:code',
      '3:name',
      '3:level',
      '3:parentCode',
      '3:province',
      '3:caseCourtPrefix',
      '3:directToHighCourt',
      '4:code',
    ]);
    expect(issues.at(-1)?.message).toMatch(/NM0102 is already on line 2/);
  });

  it('refuses a file with no rows', () => {
    expect(issuesOf(() => readCourtFile(Buffer.from(`${HEADER}\n`), 'f'))[0]?.message).toMatch(
      /no court rows/,
    );
  });
});
