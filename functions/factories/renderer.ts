import * as z from 'zod/mini';
import { LambdaHttp } from '../adapters/lambda/invoke.ts';
import { LambdaRenderer } from '../adapters/lambda/renderer.ts';
import { type RendererName, rendererEnv } from '../lib/access.ts';
import { once, readEnv, required } from '../lib/config.ts';
import type { DocumentRenderer } from '../ports/renderer.ts';
import { defaultProvider } from './lambda-credentials.ts';

/**
 * The document renderers (functions/tasks/render-specs.ts), each a function of its own invoked with the
 * thin signed Invoke (adapters/lambda/). Configured by CDK's `bindRenderer` (RENDER_<NAME>_FUNCTION, from
 * the route spec's access `render`); LAMBDA_ENDPOINT only in the local runner (infra/local/lambda.ts).
 * Credentials from the environment only, as Lambda provides them (factories/lambda-credentials.ts).
 */
const Env = z.object({ AWS_REGION: required(), LAMBDA_ENDPOINT: z.optional(z.url()) });

const lambda = /* @__PURE__ */ once(() => {
  const env = readEnv(Env);
  return new LambdaHttp({
    region: env.AWS_REGION,
    ...(env.LAMBDA_ENDPOINT ? { endpoint: env.LAMBDA_ENDPOINT } : {}),
    credentials: defaultProvider(),
  });
});

function rendererOf<N extends RendererName>(name: N): () => DocumentRenderer<N> {
  return once(() => {
    const variable = rendererEnv(name);
    const env = readEnv(z.object({ [variable]: required() }));
    return new LambdaRenderer(lambda(), name, env[variable] as string);
  });
}

export const rulingDocxRenderer = /* @__PURE__ */ rendererOf('renderRulingDocx');
export const reportDocxRenderer = /* @__PURE__ */ rendererOf('renderReportDocx');
export const reportXlsxRenderer = /* @__PURE__ */ rendererOf('renderReportXlsx');
