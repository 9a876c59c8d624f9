import type { RendererName } from '../../lib/access.ts';
import { RenderUnavailableError } from '../../lib/errors.ts';
import { logger } from '../../lib/logger.ts';
import { fileOf, renderRequest } from '../../lib/render-payload.ts';
import type { DocumentRenderer, RenderModels } from '../../ports/renderer.ts';
import { type LambdaHttp, LambdaInvokeError } from './invoke.ts';

/**
 * A renderer function (functions/entries/tasks/render-*.ts) behind DocumentRenderer: the model sent as
 * lib/render-payload.ts says, the file returned. Whatever keeps the file from coming back — the renderer
 * threw or timed out, Lambda refused the call, the network failed, the answer is malformed — is logged
 * with its cause and answered as 503 RENDER_UNAVAILABLE (problem+json), never a 500 with the details.
 */
export class LambdaRenderer<N extends RendererName> implements DocumentRenderer<N> {
  constructor(
    private readonly lambda: Pick<LambdaHttp, 'invoke'>,
    private readonly name: N,
    private readonly functionName: string,
  ) {}

  async render(model: RenderModels[N]): Promise<Buffer> {
    try {
      return fileOf(
        JSON.parse(await this.lambda.invoke(this.functionName, JSON.stringify(renderRequest(model)))),
      );
    } catch (error) {
      logger.error('render.failed', {
        renderer: this.name,
        function: this.functionName,
        ...(error instanceof LambdaInvokeError
          ? { kind: error.kind, ...error.details }
          : { kind: 'response', errorType: (error as Error).name }),
        error: (error as Error).message,
      });
      throw new RenderUnavailableError();
    }
  }
}
