import { describe, expect, it } from 'vitest';
import {
  decodeStatement,
  parseStatement,
  reconcile,
  StatementError,
} from '../../../functions/domain/reconciliation.ts';

const HEADER = 'packageId,transactionRef,amountFen,paidAt';

function issuesOf(text: string) {
  try {
    parseStatement(text);
  } catch (error) {
    if (error instanceof StatementError) return error.issues.map((i) => ({ code: i.code, path: i.path }));
    throw error;
  }
  throw new Error('expected the statement to be refused');
}

describe('decodeStatement', () => {
  it('reads UTF-8 with and without a BOM', () => {
    const text = `${HEADER}\nPKG-A-1,中国人保-1,100,2026-12-01\n`;
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(decodeStatement(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeStatement(bom)).toEqual({ text, encoding: 'utf-8' });
  });

  it('falls back to GBK (GB18030) for bytes that are not UTF-8', () => {
    // "中国" in GBK: D6 D0 B9 FA
    const gbk = Buffer.concat([
      Buffer.from(`${HEADER}\nPKG-A-1,`),
      Buffer.from([0xd6, 0xd0, 0xb9, 0xfa]),
      Buffer.from('-1,100,2026-12-01\n'),
    ]);
    const decoded = decodeStatement(gbk);
    expect(decoded.encoding).toBe('gb18030');
    expect(parseStatement(decoded.text)[0]?.transactionRef).toBe('中国-1');
  });

  it('refuses bytes that are neither (INVALID_ENCODING)', () => {
    expect(() => decodeStatement(Buffer.from([0x41, 0xff, 0xff, 0x42]))).toThrow(StatementError);
  });
});

describe('parseStatement', () => {
  it('reads the four columns in any order, CRLF, quoted cells, blank lines, naming each row by its line', () => {
    const rows = parseStatement(
      'amountFen,paidAt,packageId,transactionRef\r\n100,2026-12-01T15:15:00+08:00,PKG-A-1,"T,1"\r\n\r\n200,2026-12-02,PKG-B-1,T2\r\n',
    );
    expect(rows).toEqual([
      {
        row: 2,
        packageId: 'PKG-A-1',
        transactionRef: 'T,1',
        amountFen: 100,
        paidAt: '2026-12-01T07:15:00.000Z',
      },
      {
        row: 4,
        packageId: 'PKG-B-1',
        transactionRef: 'T2',
        amountFen: 200,
        paidAt: '2026-12-01T16:00:00.000Z',
      },
    ]);
  });

  it('refuses unknown and missing columns, naming them', () => {
    expect(issuesOf('packageId,transactionRef,amount,paidAt\nA,B,1,2026-12-01\n')).toEqual([
      { code: 'UNKNOWN_COLUMN', path: 'header.amount' },
      { code: 'MISSING_COLUMN', path: 'header.amountFen' },
    ]);
  });

  it('refuses negative, fractional and non-numeric amounts and bad dates, with row and column', () => {
    expect(
      issuesOf(
        `${HEADER}\nA,T1,-5,2026-12-01\nB,T2,12.50,2026-12-01\nC,T3,abc,2026-12-01\nD,T4,1,2026-02-30\nE,,1,01/12/2026\n`,
      ),
    ).toEqual([
      { code: 'NEGATIVE_AMOUNT', path: 'rows[2].amountFen' },
      { code: 'FRACTIONAL_AMOUNT', path: 'rows[3].amountFen' },
      { code: 'INVALID_AMOUNT', path: 'rows[4].amountFen' },
      { code: 'INVALID_DATE', path: 'rows[5].paidAt' },
      { code: 'VALUE_REQUIRED', path: 'rows[6].transactionRef' },
      { code: 'INVALID_DATE', path: 'rows[6].paidAt' },
    ]);
  });

  it('refuses an unclosed quote (MALFORMED_CSV)', () => {
    expect(issuesOf(`${HEADER}\nA,"T1,1,2026-12-01\n`).map((i) => i.code)).toEqual(['MALFORMED_CSV']);
  });
});

describe('reconcile', () => {
  const pkg = (id: string, amountFen: number, status = 'paid') => ({
    packageId: id,
    applicationId: `app-${id}`,
    status,
    amountFen,
  });
  const row = (n: number, id: string, amountFen: number) => ({
    row: n,
    packageId: id,
    transactionRef: `T-${n}`,
    amountFen,
    paidAt: '2026-12-01T00:00:00.000Z',
  });

  it('one missing, one unknown, one mismatched and one duplicated package, exactly', () => {
    const result = reconcile(
      [row(2, 'P1', 100), row(3, 'P2', 250), row(4, 'PX', 10), row(5, 'P1', 100)],
      [pkg('P1', 100), pkg('P2', 200), pkg('P3', 300, 'awaiting_payout'), pkg('P4', 50, 'declined')],
    );
    expect(result).toEqual({
      rows: 4,
      matched: 1,
      matchedFen: 100,
      missingFromStatement: [
        { packageId: 'P3', applicationId: 'app-P3', status: 'awaiting_payout', amountFen: 300 },
      ],
      unknownPackages: [{ row: 4, packageId: 'PX', transactionRef: 'T-4', amountFen: 10 }],
      amountMismatches: [
        { row: 3, packageId: 'P2', applicationId: 'app-P2', approvedFen: 200, statedFen: 250 },
      ],
      duplicates: [{ row: 5, packageId: 'P1', firstRow: 2, transactionRef: 'T-5' }],
      declinedButPaid: [],
    });
  });

  it('a declined package on the statement is flagged, not matched', () => {
    const result = reconcile([row(2, 'P4', 50)], [pkg('P4', 50, 'declined')]);
    expect(result.matched).toBe(0);
    expect(result.declinedButPaid).toEqual([{ row: 2, packageId: 'P4', applicationId: 'app-P4' }]);
  });
});
