import { describe, expect, it } from 'vitest';
import { checkFile, contentTypeOf, MAX_UPLOAD_BYTES, sha256Hex, UploadProblem } from './upload.ts';

const file = (bytes: number, name: string, type: string) => new File([new Uint8Array(bytes)], name, { type });

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof UploadProblem ? e.code : 'OTHER';
  }
}

describe('uploads in the browser', () => {
  it('declares the content type the API accepts, from the browser or the extension', () => {
    expect(contentTypeOf(file(1, 'scan.pdf', 'application/pdf'))).toBe('application/pdf');
    expect(contentTypeOf(file(1, 'scan.TIF', ''))).toBe('image/tiff');
    expect(contentTypeOf(file(1, 'scan.jpeg', 'application/octet-stream'))).toBe('image/jpeg');
    expect(contentTypeOf(file(1, 'scan.docx', 'application/vnd.openxmlformats'))).toBeUndefined();
    expect(contentTypeOf(file(1, 'scan.pdf', 'text/html'))).toBeUndefined();
  });

  it('refuses what the API would refuse before sending anything', () => {
    expect(code(() => checkFile(file(10, 'a.pdf', 'application/pdf')))).toBeUndefined();
    expect(code(() => checkFile(file(MAX_UPLOAD_BYTES, 'a.png', 'image/png')))).toBeUndefined();
    expect(code(() => checkFile(file(MAX_UPLOAD_BYTES + 1, 'a.png', 'image/png')))).toBe('FILE_TOO_LARGE');
    expect(code(() => checkFile(file(0, 'a.pdf', 'application/pdf')))).toBe('FILE_EMPTY');
    expect(code(() => checkFile(file(10, 'a.exe', 'application/x-msdownload')))).toBe(
      'FILE_TYPE_NOT_ALLOWED',
    );
  });

  it('computes the SHA-256 the presigned upload is bound to (WebCrypto)', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4\n% identity\n%%EOF\n');
    // sha256sum of the same bytes
    expect(await sha256Hex(new Blob([bytes]))).toBe(
      'c72dd19d721ec798053db9b4076a7345895486e352b97695b96eeb2b8fab40b7',
    );
  });
});
