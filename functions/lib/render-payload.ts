import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * What a route and a renderer function exchange (Lambda's synchronous payloads, at most 6 MB each way).
 * The model goes as gzipped JSON in base64: a national report of 3,500 courts, every figure filled in, is
 * 3.5 MB of JSON, more than half the limit, and 0.06 MB as sent (test/unit/render/renderers.test.ts
 * measures it; real names compress less than that test's, still by far enough). The file comes back in
 * base64 as it is (.docx and .xlsx are zip archives already): that report's workbook is 0.24 MB, and it is
 * the same file the route then returns through API Gateway (base64, 6 MB too).
 */
export interface RenderRequest {
  /** base64 of the gzipped JSON of the model. */
  model: string;
}

export interface RenderResponse {
  /** base64 of the file. */
  file: string;
}

export function renderRequest(model: unknown): RenderRequest {
  return { model: gzipSync(JSON.stringify(model)).toString('base64') };
}

/** The model of a render request; a TypeError for anything else (a bug in the caller: the invoke fails). */
export function modelOf(payload: unknown): unknown {
  const encoded = (payload as Partial<RenderRequest> | null | undefined)?.model;
  if (typeof encoded !== 'string')
    throw new TypeError('render request: expected { model: base64 gzip JSON }');
  return JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8'));
}

/** The file of a renderer's answer; a TypeError for anything else. */
export function fileOf(response: unknown): Buffer {
  const file = (response as Partial<RenderResponse> | null | undefined)?.file;
  if (typeof file !== 'string' || file.length === 0)
    throw new TypeError('render response: expected { file: base64 }');
  return Buffer.from(file, 'base64');
}

/**
 * A renderer function's handler: model in, file out. No AWS client, no logger: a failure is thrown, and
 * Lambda reports it to the caller (X-Amz-Function-Error) and logs it; the route logs it with its request.
 */
export function defineRenderer<M>(
  render: (model: M) => Promise<Buffer>,
): (payload: unknown) => Promise<RenderResponse> {
  return async (payload) => ({ file: (await render(modelOf(payload) as M)).toString('base64') });
}
