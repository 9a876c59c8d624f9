import { describe, expect, it } from 'vitest';
import { fileNameOf } from './download.ts';

const withDisposition = (value: string | null) =>
  new Response('x', { headers: value ? { 'content-disposition': value } : {} });

describe('download file names', () => {
  it('takes the name the server gives, else the fallback', () => {
    expect(fileNameOf(withDisposition('attachment; filename="ruling-01J.docx"'), 'f')).toBe(
      'ruling-01J.docx',
    );
    expect(fileNameOf(withDisposition("attachment; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.csv"), 'f')).toBe(
      '报表.csv',
    );
    expect(fileNameOf(withDisposition(null), 'fallback.xlsx')).toBe('fallback.xlsx');
  });
});
