import * as z from 'zod/mini';
import { HttpInsurerClient } from '../adapters/insurer/http-insurer.ts';
import { once, readEnv } from '../lib/config.ts';
import { insurerSecrets } from '../lib/secrets.ts';

/**
 * Where approved packages go: the insurer's HTTPS endpoint (INSURER_ENDPOINT, set by CDK on the function
 * whose spec sends packages), signed with the package secret (lib/secrets.ts).
 */
const Env = z.object({ INSURER_ENDPOINT: z.url({ error: 'is not set (or not a URL)' }) });

export const insurerClient = /* @__PURE__ */ once(
  () =>
    new HttpInsurerClient(readEnv(Env).INSURER_ENDPOINT, async () => (await insurerSecrets()).packageSecret),
);
