import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { SfnWorkflow } from '../adapters/sfn/workflow.ts';
import { once, readEnv, required } from '../lib/config.ts';
import { localEndpointSigner } from '../lib/local-signer.ts';

/**
 * The approval workflow (Workflow over Step Functions). Configured by CDK's `bindStateMachine`
 * (STATE_MACHINE_ARN: required, there is no fallback); SFN_ENDPOINT only in the local runner.
 */
const Env = z.object({
  AWS_REGION: required(),
  STATE_MACHINE_ARN: required(),
  SFN_ENDPOINT: z.optional(z.url()),
});

export const approvalWorkflow = /* @__PURE__ */ once(() => {
  const env = readEnv(Env);
  const client = new SFNClient({
    region: env.AWS_REGION,
    ...(env.SFN_ENDPOINT
      ? { endpoint: env.SFN_ENDPOINT, signer: localEndpointSigner(env.AWS_REGION, 'states') }
      : {}),
  });
  return new SfnWorkflow(client, env.STATE_MACHINE_ARN);
});
