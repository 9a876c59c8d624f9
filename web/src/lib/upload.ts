/** Browser side of a document upload: SHA-256 with WebCrypto, then the presigned PUT with progress. */

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

const BY_EXTENSION: Record<string, AcceptedType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

/** The declared content type: the browser's, or from the extension when the browser has none. */
export function contentTypeOf(file: File): AcceptedType | undefined {
  if ((ACCEPTED_TYPES as readonly string[]).includes(file.type)) return file.type as AcceptedType;
  if (file.type !== '' && file.type !== 'application/octet-stream') return undefined;
  return BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''];
}

export class UploadProblem extends Error {
  override name = 'UploadProblem';
  constructor(readonly code: string) {
    super(code);
  }
}

/** The client-side checks the API and storage would make anyway, before anything is sent. */
export function checkFile(file: File): AcceptedType {
  const type = contentTypeOf(file);
  if (!type) throw new UploadProblem('FILE_TYPE_NOT_ALLOWED');
  if (file.size === 0) throw new UploadProblem('FILE_EMPTY');
  if (file.size > MAX_UPLOAD_BYTES) throw new UploadProblem('FILE_TOO_LARGE');
  return type;
}

export async function sha256Hex(file: Blob): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new UploadProblem('HASH_UNAVAILABLE');
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Headers a browser sets itself (and refuses from scripts); the values it sends match the signed ones. */
const BROWSER_OWNED = new Set(['content-length', 'host']);

/**
 * PUTs the file to the presigned URL with exactly the headers the grant names (XHR, for upload
 * progress: fetch has none). Resolves on 2xx; storage's refusal or a network failure is an UploadProblem.
 */
export function putWithProgress(
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      if (!BROWSER_OWNED.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new UploadProblem('UPLOAD_REJECTED_BY_STORAGE'));
    };
    xhr.onerror = () => reject(new UploadProblem('UPLOAD_FAILED'));
    xhr.onabort = () => reject(new UploadProblem('UPLOAD_FAILED'));
    xhr.send(file);
  });
}
