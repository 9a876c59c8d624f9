import { ApiProblem } from '../api/client.ts';

/** The file name a response's Content-Disposition gives, or the fallback. */
export function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? fallback;
}

/** Saves a blob as a file the browser downloads (an anchor with `download`, clicked once). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file from the API (Accept names the format): downloaded, or an ApiProblem in words. */
export async function downloadFrom(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<string> {
  let result: { data?: unknown; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem(0, 'NETWORK_ERROR', '');
  }
  if (!result.response.ok || !(result.data instanceof Blob)) {
    throw await ApiProblem.fromResponse(result.response, result.error);
  }
  const name = fileNameOf(result.response, fallbackName);
  saveBlob(result.data, name);
  return name;
}
